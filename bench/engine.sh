#!/usr/bin/env bash
# The engine's numbers (issue: parallel runs, a dead endpoint that costs
# seconds). Against `conform mock` behind a proxy that adds 50 ms to each
# call: a full run serially and with --parallel 8, and the ratio of the
# parallel time to (serial / 8) once start-up is taken out. Then a hung
# endpoint (WSDLs and login answer, User calls never do) with --timeout 5s.
# Usage: bash bench/engine.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/conform" ./cmd/conform
go build -o "$work/slowproxy" ./bench/slowproxy
"$work/conform" mock --addr 127.0.0.1:0 > "$work/mock" 2>/dev/null & pids+=($!)
for _ in $(seq 50); do [ -s "$work/mock" ] && break; sleep 0.1; done
mock=$(head -1 "$work/mock")
# start runs a proxy (in this shell, so that the trap can stop it).
start() { : > "$work/proxy"; "$work/slowproxy" -upstream "$mock" "$@" > "$work/proxy" 2>/dev/null & pids+=($!); for _ in $(seq 50); do [ -s "$work/proxy" ] && break; sleep 0.1; done; }
run() { local t0 t1; t0=$(date +%s.%N); "$work/conform" run --endpoint "$1" --user conform --password conform-password --allow-mutations --reports "$work/r" "${@:2}" > "$work/out" 2>&1 || echo "exit $?" > "$work/code"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
start -delay 50ms; proxy=$(cat "$work/proxy")
# Start-up: login, WSDL drift, system info, reports; measured with one case.
startup=$(run "$proxy" --ops User.IsNickNameUnique --parallel 1)
serial=$(run "$proxy" --parallel 1)
par=$(run "$proxy" --parallel 8)
ratio=$(echo "scale=2; ($par - $startup) / (($serial - $startup) / 8)" | bc)
printf 'latency 50 ms: start-up %.2f s; serial %.2f s; --parallel 8 %.2f s; (parallel - start-up) / ((serial - start-up) / 8) = %s (target <= 1.3)\n' "$startup" "$serial" "$par" "$ratio"
rm -f "$work/code"
start -hang-user; hung=$(cat "$work/proxy")
t=$(run "$hung" --timeout 5s)
code=$(cat "$work/code" 2>/dev/null || echo "exit 0")
cases=$(python3 -c "import json;print(len(json.load(open('$work/r/summary.json'))['cases']))")
printf 'hung endpoint, --timeout 5s: %.1f s, %s, %s cases reported (target < 25 s, exit 3)\n' "$t" "$code" "$cases"

#!/usr/bin/env bash
# A fleet merged in bounded memory: N runs (copies of one embedded-mock run
# of three agents, a tenth failing, a twentieth incomplete) merged by
# `conform report merge`, at 10, 100 and 1,000 runs: time, peak RSS and the
# size of the fleet page and index. Then `conform report` reads the index
# back. Usage: bash bench/fleet.sh   (needs GNU time: apt-get install time)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/conform" ./cmd/conform
"$work/conform" run --quiet --agents User,SoPrincipal,CustomObject --reports "$work/base" >/dev/null
printf '%6s | %8s | %8s | %10s | %10s\n' runs "merge s" "peak MB" "page KB" "index KB"
for n in 10 100 1000; do
  rm -rf "$work/runs" "$work/fleet"
  go run ./bench/fleetgen -base "$work/base/summary.json" -n "$n" -out "$work/runs"
  /usr/bin/time -o "$work/t" -f "%e %M" "$work/conform" report merge "$work/runs" --out "$work/fleet" >/dev/null || true
  read -r secs kb < <(tail -1 "$work/t")
  printf '%6s | %8s | %8s | %10s | %10s\n' "$n" "$secs" "$((kb / 1024))" "$(( $(stat -c %s "$work/fleet/report.html") / 1024 ))" "$(( $(stat -c %s "$work/fleet/summary.json") / 1024 ))"
done
/usr/bin/time -o "$work/t" -f "%e %M" "$work/conform" report "$work/fleet/summary.json" --out "$work/again" >/dev/null || true
read -r secs kb < <(tail -1 "$work/t")
echo "conform report of the 1,000-run index: ${secs} s, $((kb / 1024)) MB"

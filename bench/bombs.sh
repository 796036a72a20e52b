#!/usr/bin/env bash
# Hostile messages under the 10 MiB size limit: each must be handled in
# under 2 s and 256 MiB of memory. Prints, per bomb, its size and the time
# and peak RSS of `conform validate` on it, and of a `conform run` of eight
# User operations against a server that answers every User call with it
# (validation, reading, redaction and all three reports included), and a
# run of 32 such answers in 4 cases of 8 steps (bench/multistep).
# Usage: bash bench/bombs.sh   (needs python3 and GNU time: apt-get install time)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/conform" ./cmd/conform
go build -o "$work/bombserver" ./bench/bombserver
python3 - "$work" <<'PY'
import sys
d = sys.argv[1]
ns = 'http://www.superoffice.net/ws/crm/NetServer/Services88'
env = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/><s:Body>%s</s:Body></s:Envelope>'
resp = '<GetAccessTokenResponse xmlns="%s"><Response>%%s</Response></GetAccessTokenResponse>' % ns
bombs = {
    'deep-100k': env % ('<a>' * 100000 + '</a>' * 100000),
    'deep-250': env % (resp % ('<a>' * 250 + '</a>' * 250)),
    'wide-262k': env % (resp % '' + '<x/>' * 262000),
    'wide-499k': env % (resp % '' + '<x/>' * 499000),
    'attrs-100k': env % ('<GetAccessTokenResponse xmlns="%s" %s/>' % (ns, ' '.join('a%d="1"' % i for i in range(100000)))),
    'attrs-250': env % ('<GetAccessTokenResponse xmlns="%s" %s/>' % (ns, ' '.join('a%d="1"' % i for i in range(250)))),
    'pis-1m': env % (resp % ''.join('x<?p d?>' for _ in range(1000000))),
    'comments-49k': env % (resp % ''.join('xxxxxxxx<!--c-->' for _ in range(49990))),
    'text-10m': env % (resp % ('a' * (10 * 1024 * 1024 - 400))),
    'secrets-400k': env % (resp % '' + '<X>' + ''.join('<Ticket>7T:%06d</Ticket>' % i for i in range(390000)) + '</X>'),
    'nsdecl-250': env % ('<GetAccessTokenResponse xmlns="%s" %s/>' % (ns, ' '.join('xmlns:p%d="urn:p%d"' % (i, i) for i in range(250)))) ,
}
for name, text in bombs.items():
    data = text.encode()
    assert len(data) <= 10 * 1024 * 1024, name
    open('%s/%s.xml' % (d, name), 'wb').write(data)
PY
printf '%-14s %10s | %-22s | %-22s\n' bomb bytes "validate: s, MB" "run (8 calls): s, MB"
for f in "$work"/*.xml; do
  name=$(basename "$f" .xml)
  size=$(stat -c %s "$f")
  /usr/bin/time -o "$work/t" -f "%e %M" "$work/conform" validate --op User.GetAccessToken --dir response "$f" >/dev/null 2>&1 || true
  v=$(tail -1 "$work/t")
  "$work/bombserver" 127.0.0.1:0 "$f" > "$work/addr" & pid=$!
  for _ in $(seq 50); do [ -s "$work/addr" ] && break; sleep 0.1; done
  /usr/bin/time -o "$work/t" -f "%e %M" "$work/conform" run --endpoint "$(cat "$work/addr")" --user conform --password conform-password \
      --ops User.GetAccessToken,User.IsNickNameUnique,User.GetUserInfo,User.GetAllUserGroups,User.GetUserPresenceStatus,User.ValidateUser,User.GetExternalTokens,User.GetUserGroup \
      --reports "$work/reports" >/dev/null 2>&1 || true
  r=$(tail -1 "$work/t")
  kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; : > "$work/addr"
  printf '%-14s %10s | %8s s %8s MB | %8s s %8s MB\n' "$name" "$size" "${v% *}" "$(( ${v#* } / 1024 ))" "${r% *}" "$(( ${r#* } / 1024 ))"
done

# Many large answers in one case: 4 cases of 8 steps, each step answered
# with 10 MB, 4 at a time, evidence written as each step ends (conform run's
# way) and, for comparison, only as each case ends.
go build -o "$work/multistep" ./bench/multistep
for mode in "" -per-case; do
  /usr/bin/time -o "$work/t" -f "%e %M" "$work/multistep" $mode -reports "$work/ms" >/dev/null 2>&1 || true
  r=$(tail -1 "$work/t")
  printf '%-32s | %8s s %8s MB\n' "multistep 4×8×10MB ${mode:-per-step}" "${r% *}" "$(( ${r#* } / 1024 ))"
done

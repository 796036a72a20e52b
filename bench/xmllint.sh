#!/usr/bin/env bash
# The yardstick: xmllint (Debian libxml2-utils, the same libxml2) validating
# the same response envelopes against the same schemas, for comparison with
# `go test -bench . ./internal/validate`.
#   usage: bench/xmllint.sh [REPEAT]   (default 1000; xmllint --repeat runs 100 times per call)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v xmllint >/dev/null || { echo "xmllint missing: apt-get install libxml2-utils" >&2; exit 2; }
n=${1:-1000}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp schemas/soap/soap11-envelope.xsd schemas/User/*.xsd "$tmp"/
cat > "$tmp/all.xsd" <<XSD
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://schemas.xmlsoap.org/soap/envelope/" schemaLocation="soap11-envelope.xsd"/>
  <xs:import namespace="http://www.superoffice.net/ws/crm/NetServer/Services88" schemaLocation="Services88.xsd"/>
  <xs:import namespace="http://schemas.microsoft.com/2003/10/Serialization/" schemaLocation="Serialization.xsd"/>
  <xs:import namespace="http://schemas.microsoft.com/2003/10/Serialization/Arrays" schemaLocation="Arrays.xsd"/>
</xs:schema>
XSD
for f in fixtures/docs/GetAccessToken.response.fixed.xml fixtures/docs/GetExternalTokens.response.fixed.xml; do
  xmllint --noout --schema "$tmp/all.xsd" "$f"
  # one compile, then n parse+validate runs of the file
  files=(); for _ in $(seq "$n"); do files+=("$f"); done
  start=$(date +%s%N)
  xmllint --noout --schema "$tmp/all.xsd" "${files[@]}" 2>/dev/null
  end=$(date +%s%N)
  start0=$(date +%s%N); xmllint --noout --schema "$tmp/all.xsd" "$f" 2>/dev/null; end0=$(date +%s%N)
  per=$(( ( (end-start) - (end0-start0) ) / (n-1) / 1000 ))
  echo "$(basename "$f"): compile+1 validation $(( (end0-start0)/1000000 )) ms; parse+validate ≈ ${per} µs per file over $n files"
done

#!/usr/bin/env bash
# Mutation testing of the packages whose logic decides results, with
# gremlins (v0.6.0, installed through the Go module proxy). Prints each
# package's efficacy (killed / (killed + lived)) and the mutants that lived.
# Takes about 10 minutes on 2 cores, so it is not part of .ci/run.
#   bash scripts/mutation.sh [package...]   (default: grouping junitout internal/output/lastfailed testjson)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(go env GOPATH)/bin
if ! "$bin/gremlins" --version 2>/dev/null | grep -q 0.6.0; then
  GOFLAGS=-mod=mod go install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
fi
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(grouping junitout internal/output/lastfailed testjson)
summary=""
for p in "${pkgs[@]}"; do
  log=$(mktemp)
  echo "== $p" >&2
  # -count=1: a cached coverage run would make every mutant time out.
  GOFLAGS=-count=1 "$bin/gremlins" unleash --workers 2 --timeout-coefficient 10 "./$p" >"$log" 2>&1 || true
  grep 'LIVED' "$log" | sed "s|^ *|  $p/|" || true
  eff=$(grep -o 'Test efficacy: [0-9.]*%' "$log" || echo "Test efficacy: ?")
  counts=$(grep -o 'Killed: [0-9]*, Lived: [0-9]*, Not covered: [0-9]*' "$log" || echo "")
  summary+="$p: ${eff#Test efficacy: } efficacy ($counts)"$'\n'
  rm -f "$log"
done
echo "== efficacy by package"
printf '%s' "$summary"

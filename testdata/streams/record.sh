#!/usr/bin/env bash
# Records the go test -json streams under testdata/streams from the fixture
# module testdata/modules/shapes. Run from the repository root:
#   bash testdata/streams/record.sh
# Timestamps and durations differ between recordings; the shapes do not.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$out/../.." && pwd)
goroot=$(go env GOROOT)
cd "$(dirname "$0")/../modules/shapes"
for p in ok panicky osexit timeout testmainfail initpanic buildfail parentpanic failnow fuzzy notests stray; do
  go test -json -count=1 -timeout 2s "./$p/" >"$out/$p.jsonl" || true
done
go test -json -count=1 -run '^$' -bench . -benchtime 10x ./ok/ >"$out/bench.jsonl" || true
go test -json -count=1 -run '^TestNothing$' ./ok/ >"$out/norun.jsonl" || true
go test -json -count=3 ./fuzzy/ >"$out/count3.jsonl" || true
go test -json ./fuzzy/ >/dev/null || true
go test -json ./fuzzy/ >"$out/cached.jsonl" || true
go test -json -count=1 -failfast ./ok/ ./fuzzy/ >"$out/failfast.jsonl" || true

# Keep machine paths out of the repository: stack traces name files.
for f in "$out"/*.jsonl; do
  sed -i -e "s|$root|/src/gorerun|g" -e "s|$goroot|/goroot|g" "$f"
done
go version | sed 's/ [^ ]*$//' >"$out/GOVERSION"

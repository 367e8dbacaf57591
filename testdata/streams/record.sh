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

# Shapes from the trust issue (#11).
go test -json -count=1 ./afterpass/ >"$out/afterpass.jsonl" || true
go test -json -count=1 ./failmsg/ >"$out/failmsg.jsonl" || true
# test2json run on a test binary without -p: events have no Package field.
tmp=$(mktemp -d)
go test -c -o "$tmp/failmsg.test" ./failmsg/
go tool test2json -t "$tmp/failmsg.test" -test.v=test2json >"$out/nopkg.jsonl" || true
# The same package run twice, appended to one file: the first run fails
# TestFlip, the second passes it.
FLIP_STATE=$tmp go test -json -count=1 ./flip/ >"$out/appended.jsonl" || true
FLIP_STATE=$tmp go test -json -count=1 ./flip/ >>"$out/appended.jsonl" || true
# gotestsum v1.13.0's --jsonfile with --rerun-fails: the rerun is a second
# run of the package in the same file (gotestsum on PATH, or GOTESTSUM=path).
rm -f "$tmp/ran"
FLIP_STATE=$tmp "${GOTESTSUM:-gotestsum}" --jsonfile "$out/gotestsum-rerun.jsonl" --rerun-fails=2 \
  --packages "./flip/ ./ok/" -- -count=1 >/dev/null || true
rm -rf "$tmp"
# missingend.jsonl is written by hand: test2json loses a subtest's --- PASS
# line when the subtest's last output has no newline (t.Parallel subtests
# printing with fmt.Print), which no fixture reproduces reliably.

# Keep machine paths out of the repository: stack traces name files.
for f in "$out"/*.jsonl; do
  sed -i -e "s|$root|/src/gorerun|g" -e "s|$goroot|/goroot|g" "$f"
done
go version | sed 's/ [^ ]*$//' >"$out/GOVERSION"

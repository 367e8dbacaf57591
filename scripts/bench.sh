#!/usr/bin/env bash
# Measures gorerun against its peers on this machine, in one run:
#   1. Go benchmarks (decode + track) vs gotestsum's testjson, go-junit-report's
#      JSON parser and encoding/json, summarized by benchstat.
#   2. End to end on a generated stream (default 250MB): wall time and peak RSS of
#        gorerun --input stream.json --junitfile out.xml
#        gotestsum --raw-command --junitfile out.xml -- cat stream.json
#        go-junit-report -parser gojson -in stream.json -out out.xml
#   3. Wrapper overhead: gorerun vs go test -json on standard-library packages.
#   4. Reruns: 10 flaky groups in 5 packages (testdata/modules/flaky10),
#        gorerun --rerun-class-max=1 vs gotestsum --rerun-fails=1 --rerun-fails-run-root-test.
#   5. Report updates: --update-xml and merge of one testsuite of 10k, 40k and
#      160k testcases (BenchmarkUpdate, BenchmarkMerge), to show linear growth,
#      and of a 500 MB report (internal/testutil/genreport; REPORT_MB to change it):
#      wall and peak RSS.
#   6. How soon after its delay a rerun round's process starts
#      (BenchmarkRerunRoundStart).
#   8. One package of 1,000,000 tests, passing and half failing: wall and
#      peak RSS (BenchmarkOnePackage reports the peak heap in the suite).
#   7. Workers: one package of 8 groups of 3 sequential steps, 1 s a group
#      (testdata/modules/slow8), serial vs --workers 4, every testcase
#      reported exactly once.
#   9. Kept test binaries (scripts/bench-binaries.sh): --hunt, reruns and
#      --workers on a package whose link dominates, go-cmp with --workers,
#      a rerun round's start, against plain go test in the same run.
# The stream has one failing group in FAIL_EVERY (default 10: over 4,000
# failed groups in 250 MB).
# Usage: bash scripts/bench.sh [stream size, e.g. 250MB] [runs per tool, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-250MB}
runs=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOBIN="$work/bin"
mkdir -p "$GOBIN"

echo "== building gorerun and installing peers at pinned versions"
go build -o "$GOBIN/gorerun" ./cmd/gorerun
go install gotest.tools/gotestsum@v1.13.0
go install github.com/jstemmer/go-junit-report/v2@v2.1.0
go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }

echo "== go benchmarks (BenchmarkScan, 32 MB generated stream, -count 6)"
go test ./testjson -run '^$' -bench 'BenchmarkScan$' -benchtime 5x -count 6 >"$work/bench.txt"
"$GOBIN/benchstat" -col /peer "$work/bench.txt" | sed -n '1,40p'
echo "== the same on the \"pairs\" shape (BenchmarkScanPairs)"
go test ./testjson -run '^$' -bench 'BenchmarkScanPairs' -benchtime 5x -count 6 >"$work/pairs.txt"
"$GOBIN/benchstat" -col /peer "$work/pairs.txt" | sed -n '1,40p'

echo "== generating a $size stream"
go run ./internal/testutil/genstream -size "$size" -fail-every "${FAIL_EVERY:-10}" -o "$work/stream.json"
ls -l "$work/stream.json" | awk '{printf "stream: %.0f MB\n", $5/1048576}'

# once NAME CMD...: one timed run, appended to $work/NAME.times ("wall rss")
once() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || true
  tail -n 1 "$work/time.txt" >>"$work/$name.times"
}
# summarize NAME: median wall and max peak RSS (KB) of its runs, into e2e.txt
summarize() {
  sort -g "$work/$1.times" | awk -v n="$1" '{w[NR]=$1; if ($2>m) m=$2} END{print n, w[int((NR+1)/2)], m}' >>"$work/e2e.txt"
}
# peers: the three tools end to end on $work/stream.json, taking turns, and the table.
peers() {
  : >"$work/e2e.txt"; rm -f "$work"/*.times
  for _ in $(seq "$runs"); do
    once gorerun "$GOBIN/gorerun" --no-history --input "$work/stream.json" --junitfile "$work/g.xml"
    once gotestsum "$GOBIN/gotestsum" --format pkgname --raw-command --junitfile "$work/t.xml" -- cat "$work/stream.json"
    once go-junit-report "$GOBIN/go-junit-report" -parser gojson -in "$work/stream.json" -out "$work/j.xml"
  done
  for t in gorerun gotestsum go-junit-report; do summarize "$t"; done
  awk 'NR==1{gw=$2; gm=$3} {rows[NR]=$0}
       END{printf "%-16s %10s %12s %12s %12s\n","tool","wall (s)","peak RSS MB","wall ratio","RSS ratio";
           for(i=1;i<=NR;i++){split(rows[i],f," "); printf "%-16s %10.2f %12.0f %11.2fx %11.2fx\n", f[1], f[2], f[3]/1024, f[2]/gw, f[3]/gm}}' "$work/e2e.txt"
  echo "(ratios: the tool's figure divided by gorerun's; above 1x means gorerun is faster / smaller)"
}
echo "== end to end ($runs runs each, the tools taking turns)"
peers

echo "== end to end on the \"pairs\" shape ($size: packages in pairs, subtests two deep, escaped HTML output, 1% of tests failing; $runs runs each)"
go run ./internal/testutil/genstream -shape pairs -size "$size" -fail-every 100 -o "$work/stream.json"
peers
rm -f "$work/stream.json"

echo "== wrapper overhead: standard-library packages, no failures ($((runs * 2 + 1)) alternating runs each)"
pkgs="strings bytes strconv unicode/utf8 encoding/json text/template sort container/list"
go test -json -count=1 $pkgs >/dev/null # warm the build cache
: >"$work/plain.txt"; : >"$work/wrapped.txt"
for _ in $(seq $((runs * 2 + 1))); do
  /usr/bin/time -q -f "%e" -a -o "$work/plain.txt" go test -json -count=1 $pkgs >/dev/null
  /usr/bin/time -q -f "%e" -a -o "$work/wrapped.txt" "$GOBIN/gorerun" --cache-dir "$work/cache" $pkgs -- -count=1 >/dev/null
done
median() { sort -g "$1" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
awk -v a="$(median "$work/plain.txt")" -v b="$(median "$work/wrapped.txt")" \
  'BEGIN{printf "go test -json %.2fs, gorerun %.2fs (medians): overhead %+.1f%%\n", a, b, (b/a-1)*100}'

echo "== reruns: 10 flaky groups in 5 packages ($runs runs each)"
: >"$work/e2e.txt"
fresh() { rm -rf "$work/flaky"; mkdir -p "$work/flaky"; }
for _ in $(seq "$runs"); do
  fresh
  ( cd testdata/modules/flaky10 && FLAKY10_STATE="$work/flaky" /usr/bin/time -q -f "%e" -a -o "$work/gr.txt" \
      "$GOBIN/gorerun" --rerun-class-max=1 --rerun-delay=0 --cache-dir "$work/cache" ./... -- -count=1 >/dev/null )
  fresh
  ( cd testdata/modules/flaky10 && FLAKY10_STATE="$work/flaky" /usr/bin/time -q -f "%e" -a -o "$work/gt.txt" \
      "$GOBIN/gotestsum" --format pkgname --rerun-fails=1 --rerun-fails-run-root-test --packages ./... -- -count=1 >/dev/null )
done
gr=$(median "$work/gr.txt"); gt=$(median "$work/gt.txt")
awk -v a="$gr" -v b="$gt" 'BEGIN{printf "gorerun %.2fs, gotestsum %.2fs: gotestsum takes %.2fx as long\n", a, b, b/a}'

echo "== report updates: one testsuite of 10k, 40k, 160k testcases"
GORERUN_BENCH_SIZES=10000,40000,160000 go test ./junitout -run '^$' -bench 'BenchmarkUpdate$|BenchmarkMerge' -benchtime 2x | grep Benchmark

echo "== --update-xml and merge of a ${REPORT_MB:-500} MB report (targets: 15 s, peak RSS 1.5x the file)"
go run ./internal/testutil/genreport -mb "${REPORT_MB:-500}" -o "$work/big.xml" -rerun "$work/rerun.json"
size=$(stat -c %s "$work/big.xml")
: >"$work/upd.txt"; : >"$work/mrg.txt"
for _ in $(seq "$runs"); do
  cp "$work/big.xml" "$work/upd.xml"
  /usr/bin/time -q -f "%e %M" -a -o "$work/upd.txt" "$GOBIN/gorerun" --no-history --input "$work/rerun.json" --update-xml "$work/upd.xml" >/dev/null
  /usr/bin/time -q -f "%e %M" -a -o "$work/mrg.txt" "$GOBIN/gorerun" merge -o "$work/merged.xml" "$work/big.xml" >/dev/null
done
for f in upd mrg; do
  sort -n "$work/$f.txt" | awk -v s="$f" -v size="$size" '{w[NR]=$1; if ($2>m) m=$2} END{printf "%s: %.0f MB report, %.2f s (median), peak RSS %.0f MB (%.2fx the file)\n", (s=="upd" ? "--update-xml" : "merge"), size/1048576, w[int((NR+1)/2)], m/1024, m*1024/size}'
done
rm -f "$work/big.xml" "$work/upd.xml" "$work/merged.xml"

echo "== workers: 8 groups of 1 s in one package ($runs runs each)"
: >"$work/serial.txt"; : >"$work/w4.txt"
for _ in $(seq "$runs"); do
  ( cd testdata/modules/slow8 && /usr/bin/time -q -f "%e" -a -o "$work/serial.txt" \
      "$GOBIN/gorerun" --cache-dir "$work/cache" --junitfile "$work/serial.xml" ./... -- -count=1 >/dev/null )
  ( cd testdata/modules/slow8 && /usr/bin/time -q -f "%e" -a -o "$work/w4.txt" \
      "$GOBIN/gorerun" --workers 4 --cache-dir "$work/cache" --junitfile "$work/w4.xml" ./... -- -count=1 >/dev/null )
done
for f in serial w4; do
  n=$(grep -o '<testcase name="[^"]*"' "$work/$f.xml" | sort | uniq | wc -l); all=$(grep -c '<testcase ' "$work/$f.xml")
  [ "$n" = 32 ] && [ "$all" = 32 ] || { echo "$f: $all testcases, $n distinct; want 32 once each" >&2; exit 1; }
done
awk -v a="$(median "$work/serial.txt")" -v b="$(median "$work/w4.txt")" \
  'BEGIN{printf "serial %.2fs, --workers 4 %.2fs (medians; target 2.6s): %.2fx faster, 32 testcases once each\n", a, b, a/b}'

echo "== one package of 1,000,000 tests → JUnit (targets: peak RSS 200 MB passing, 400 MB half failing)"
for shape in passing:0 half-failing:2; do
  go run ./internal/testutil/genstream -one-package 1000000 -fail-every "${shape#*:}" -o "$work/one.json"
  : >"$work/one.txt"
  for _ in $(seq "$runs"); do
    /usr/bin/time -q -f "%e %M" -a -o "$work/one.txt" "$GOBIN/gorerun" --no-history --input "$work/one.json" --junitfile "$work/one.xml" >/dev/null || true
  done
  sort -n "$work/one.txt" | awk -v s="${shape%%:*}" '{w[NR]=$1; if ($2>m) m=$2} END{printf "%s: %.2f s (median), peak RSS %.0f MB\n", s, w[int((NR+1)/2)], m/1024}'
done
GORERUN_BENCH_TESTS=100000 go test ./internal/session -run '^$' -bench BenchmarkOnePackage -benchtime 2x | grep Benchmark

echo "== rerun round start after its delay (target: under 50 ms)"
go test ./internal/runner -run '^$' -bench 'BenchmarkRerunRoundStart$' -benchtime 20x | grep Benchmark

echo "== kept test binaries (scripts/bench-binaries.sh)"
GORERUN_BIN="$GOBIN/gorerun" bash scripts/bench-binaries.sh "$runs"

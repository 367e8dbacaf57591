#!/usr/bin/env bash
# Measures what keeping test binaries saves (issue #28), plain go test side by
# side in the same run, alternating, medians of RUNS (default 5):
#   1. --hunt 20 of one passing test vs one go test -count=1 -run of it
#      (target: at most 4x);
#   2. a group that fails twice and passes on its third attempt
#      (--rerun-class-max=3 --rerun-delay=0) vs one go test of the package
#      (target: at most 1.8x);
#   3. --workers 2 on a package of two groups vs one go test of it (target:
#      at most 1.5x);
#   4. go-cmp v0.7.0 (Go module proxy), --workers 2 vs --workers 1, -count=1
#      (target: not slower);
#   5. a rerun round's start, from the end of its delay to the rerun
#      process's first event (BenchmarkRerunRoundStartKept; target: 50 ms).
# The fixture (testdata/modules/heavy) links net/http, crypto/tls, go/types,
# database/sql and html/template, so that the link dominates a go test of it
# as in real services. Each row prints the commands it compares.
# Usage: bash scripts/bench-binaries.sh [runs]   (bench.sh runs it too)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=${GORERUN_BIN:-}
if [ -z "$bin" ]; then
  bin="$work/gorerun"
  go build -o "$bin" ./cmd/gorerun
fi
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
heavy=testdata/modules/heavy

# timed FILE CMD...: appends the wall time of one run of CMD to FILE.
timed() {
  local file=$1; shift
  /usr/bin/time -q -f "%e" -a -o "$file" "$@" >/dev/null 2>&1 || true
}
median() { sort -g "$1" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
# row NAME TARGET A-FILE B-FILE A-CMD B-CMD: prints B's median over A's.
row() {
  awk -v n="$1" -v t="$2" -v a="$(median "$3")" -v b="$(median "$4")" -v ca="$5" -v cb="$6" \
    'BEGIN{printf "%s: %.2fs vs %.2fs: %.2fx (target %s)\n    %s\n    %s\n", n, b, a, b/a, t, cb, ca}'
}

(cd "$heavy" && go test -count=1 ./... >/dev/null) # warm the build cache
echo "== kept test binaries on $heavy ($runs alternating runs each, medians)"
for _ in $(seq "$runs"); do
  (cd "$heavy" && timed "$work/one.txt" go test -count=1 -run '^TestOne$' ./pair)
  (cd "$heavy" && timed "$work/hunt.txt" "$bin" --no-history --hunt 20 ./pair -- -run '^TestOne$')
  (cd "$heavy" && timed "$work/flakyplain.txt" go test -count=1 ./flaky)
  (cd "$heavy" && HEAVY_FLAKY=1 timed "$work/rerun.txt" "$bin" --no-history --rerun-class-max=3 --rerun-delay=0 ./flaky -- -count=1)
  (cd "$heavy" && timed "$work/pairplain.txt" go test -count=1 ./pair)
  (cd "$heavy" && timed "$work/workers.txt" "$bin" --no-history --workers 2 ./pair -- -count=1)
done
row "1. --hunt 20 of one test" "4x" "$work/one.txt" "$work/hunt.txt" \
  "go test -count=1 -run '^TestOne\$' ./pair" "gorerun --no-history --hunt 20 ./pair -- -run '^TestOne\$'"
row "2. passes on the third attempt" "1.8x" "$work/flakyplain.txt" "$work/rerun.txt" \
  "go test -count=1 ./flaky" "HEAVY_FLAKY=1 gorerun --no-history --rerun-class-max=3 --rerun-delay=0 ./flaky -- -count=1"
row "3. --workers 2 on two groups" "1.5x" "$work/pairplain.txt" "$work/workers.txt" \
  "go test -count=1 ./pair" "gorerun --no-history --workers 2 ./pair -- -count=1"

echo "== go-cmp v0.7.0: --workers 2 vs --workers 1 ($runs alternating runs each, medians; the history of earlier runs kept)"
src=$(go mod download -json github.com/google/go-cmp@v0.7.0 | awk -F'"' '/"Dir"/{print $4}')
cp -r "$src" "$work/gocmp" && chmod -R u+w "$work/gocmp"
(cd "$work/gocmp" && go test -count=1 ./... >/dev/null 2>&1 || true)
# Each of the two goes first in every other pair, so that neither always
# runs right after the other (the two are within a few milliseconds of each
# other, less than this machine's noise).
for i in $(seq "$runs"); do
  order="1 2"
  [ $((i % 2)) -eq 0 ] && order="2 1"
  for w in $order; do
    (cd "$work/gocmp" && timed "$work/w$w.txt" "$bin" --cache-dir "$work/c$w" --workers "$w" ./... -- -count=1)
  done
done
row "4. go-cmp --workers 2 against --workers 1" "1x or less" "$work/w1.txt" "$work/w2.txt" \
  "gorerun --workers 1 ./... -- -count=1" "gorerun --workers 2 ./... -- -count=1"

echo "== 5. rerun round start on $heavy (BenchmarkRerunRoundStartKept; target: 50 ms)"
go test ./internal/runner -run '^$' -bench 'BenchmarkRerunRoundStartKept' -benchtime "${runs}x" | grep Benchmark

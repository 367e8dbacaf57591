#!/usr/bin/env bash
# Coverage of every package by the unit tests and the end-to-end tests
# together: the e2e tests run a gorerun binary built with -cover, whose
# profiles are merged with the unit tests' (go tool covdata).
#   bash scripts/coverage.sh          # per-package figures and the total
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/unit" "$work/e2e" "$work/merged"

echo "== unit and e2e tests, instrumented" >&2
GORERUN_E2E_COVERDIR="$work/e2e" go test -count=1 -cover -coverpkg=github.com/gorerun/gorerun/... ./... \
  -args -test.gocoverdir="$work/unit" >"$work/test.log" 2>&1 || { cat "$work/test.log" >&2; exit 1; }

go tool covdata merge -i="$work/unit,$work/e2e" -o "$work/merged"
echo "== coverage by package (unit + e2e)"
go tool covdata percent -i="$work/merged" | grep -v 'internal/testutil/genstream\|internal/testutil/streamgen\|internal/testutil/streamtest' | sed 's/^\s*//' | sort
go tool covdata textfmt -i="$work/merged" -o "$work/profile.txt"
grep -v 'internal/testutil/genstream\|internal/testutil/streamgen\|internal/testutil/streamtest' "$work/profile.txt" >"$work/profile.main.txt"
echo "== total (unit + e2e, without the benchmark stream generator and test helpers)"
go tool cover -func="$work/profile.main.txt" | tail -1
echo "== e2e only: cmd/gorerun and internal/runner"
go tool covdata percent -i="$work/e2e" -pkg=github.com/gorerun/gorerun/cmd/gorerun,github.com/gorerun/gorerun/internal/runner

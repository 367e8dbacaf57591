#!/usr/bin/env bash
# Checks .goreleaser.yaml with goreleaser itself, installed at a pinned
# version through the Go module proxy (the first run builds it: minutes),
# then builds a snapshot for the host platform to prove the version is
# injected.
# Usage: bash scripts/release-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
version=v2.15.0
export GOBIN="${GOBIN:-$(go env GOPATH)/bin}"
if ! "$GOBIN/goreleaser" --version 2>/dev/null | grep -q "${version#v}"; then
  echo "== installing goreleaser $version"
  go install "github.com/goreleaser/goreleaser/v2@$version"
fi
echo "== goreleaser check"
"$GOBIN/goreleaser" check
echo "== snapshot build for this platform"
dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT
"$GOBIN/goreleaser" build --snapshot --single-target --clean --output "$dist/gorerun" >/dev/null
"$dist/gorerun" --version

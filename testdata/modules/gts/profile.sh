#!/usr/bin/env bash
# gotestsum's README: one go test -json per package, with a CPU profile.
set -eu

for pkg in $(go list "$@"); do
    dir="$(go list -f '{{ .Dir }}' $pkg)"
    go test -json -cpuprofile="$dir/cpu.profile" "$pkg"
done

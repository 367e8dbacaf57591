// Package runner runs `go test -json` in rounds: the first run, then rerun
// rounds that the grouping package plans, one fresh process per package per
// round, in parallel. It also reads recorded streams. It owns process
// execution and signals; it decides nothing about results.
package runner

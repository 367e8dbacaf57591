// Package session runs one gorerun invocation, from a plain Config to an
// exit code, without flags, globals or os.Exit, so that it is testable
// without building the binary.
//
// How a run flows: Run checks every file it was told to read or write and
// opens every output up front (a bad path is refused, with *cli.UsageError,
// before a test runs). Then it either runs go test rounds with the runner
// (the first round, or the --last-failed selection, of this shard's
// packages; then rerun rounds as grouping.Plan allows) or reads a recorded
// stream. Every event, round, refusal and resumption goes to every output
// through one output.List, the observer contract of internal/output; a
// recorded stream's packages are also handed to the outputs as they end
// (PackageDone) and then compacted, so memory grows with failures, not
// with the stream.
//
// The outputs are one ordered list, built in one place (open, in
// outputs.go), and finished in that order with the final, per-attempt
// grouping.Report:
//
//	terminal summary → annotations → step summary → last-failed cache →
//	--jsonfile → --junitfile → --update-xml → --jsonfile-timing-events →
//	--rerun-fails-report → --html → history → --post-run-command
//
// The post-run command is last, once the files it names are written; the
// JUnit report (an output.Quiet) is written while the terminal shows the
// summary. An output's warning (output.Warn) is printed and the run goes
// on; any other error fails it, after every output had its turn. The exit
// code comes from the report (or from an output.Verdict: the merged report
// with --update-xml): 0 green, 1 failed, 2 usage, 130 interrupted.
//
//	go test -json ─┐                       ┌─> output/terminal, annotations
//	               ├─> runner ─> grouping ─┼─> output/jsonfile, output/junit
//	--input FILE ──┘   (rounds,  (attempts,├─> output/summary, output/htmlreport
//	                    reruns)   plans)   ├─> output/lastfailed, output/history
//	                                       └─> output/rerunreport, output/postrun
//
// A new output is a package under internal/output with a type that
// implements output.Output, and one entry in open's list.
package session

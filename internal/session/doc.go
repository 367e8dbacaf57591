// Package session runs one gorerun invocation, from a plain Config to an
// exit code, without flags, globals or os.Exit, so that it is testable
// without building the binary.
//
// How a run flows: Run checks every file it was told to read or write and
// opens every output up front (a bad path is refused, with *UsageError,
// before a test runs). Then it either runs go test rounds with the runner
// (the first round, or the --last-failed selection, of this shard's
// packages; then rerun rounds as grouping.Plan allows) or reads a recorded
// stream. Every event, round, refusal and resumption goes to every output
// through one output.List; a recorded stream's packages are also handed to
// the outputs as they end (PackageDone) and then compacted, so memory grows
// with failures, not with the stream. When the run is over, the outputs are
// finished in one explicit order with the final, per-attempt
// grouping.Report:
//
//	terminal summary → annotations → step summary → last-failed cache →
//	--jsonfile → --junitfile → --update-xml
//
// An output's warning (output.Warn) is printed and the run goes on; any
// other error fails it. The exit code comes from the report (or from the
// merged report with --update-xml): 0 green, 1 failed, 2 usage, 130
// interrupted.
//
//	go test -json ─┐                       ┌─> render.Terminal
//	               ├─> runner ─> grouping ─┼─> jsonfile.Writer
//	--input FILE ──┘   (rounds,  (attempts,├─> junit.FileOutput / UpdateOutput
//	                    reruns)   plans)   ├─> render.AnnotationsOutput, stepsummary.Summary
//	                                       └─> lastfailed.Output
//
// A new output is a package with a type that implements output.Output and
// one line in Run's list.
package session

// Package output is what every output of a gorerun run implements: the
// terminal, --jsonfile, the JUnit report, --update-xml, GitHub annotations,
// the Markdown step summary and the last-failed cache. An output watches the
// run through the runner's hooks and never steers it (like pytest's
// plugin hooks); after the run it is finished with the final report, or
// aborted when the run could not finish.
package output

import (
	"errors"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/testjson"
)

// Output is one output of a run.
type Output interface {
	Observer
	// Finish is called once, after the run, with its final report. An
	// error wrapped with Warn is shown as a warning and the run goes on;
	// any other error fails the run.
	Finish(Result) error
	// Abort is called instead of Finish when the run ends in an error:
	// the output leaves no half-written file behind.
	Abort()
}

// PrefixWriter is an Output that writes the leading groups of a running
// package of a recorded stream (from p.Written up to k, all ended), so that
// the package can drop those that passed (grouping.Package.DropPassedPrefix).
type PrefixWriter interface {
	PrefixDone(p *grouping.Package, k int)
}

// Quiet is an Output whose Finish only reads the report and prints
// nothing, so that it may finish while the outputs before it do: the
// session starts it first and takes its outcome in its turn.
type Quiet interface {
	Output
	FinishesQuietly()
}

// Verdict is an Output whose result decides whether the run failed,
// instead of the run's report (--update-xml: the merged report).
type Verdict interface {
	Output
	Failed() bool
}

// Result is what a finished run hands its outputs.
type Result struct {
	Report      *grouping.Report
	Elapsed     time.Duration
	Interrupted bool
}

// Hooks implements the runner's hooks as no-ops, for outputs that only
// act at Finish.
type Hooks struct{}

func (Hooks) Event(int, *testjson.Event, []byte, *grouping.Package) {}
func (Hooks) Round(grouping.PlanResult)                             {}
func (Hooks) Refused(grouping.PlanResult, grouping.PlanOptions)     {}
func (Hooks) Resumed(string, []string, int)                         {}

// Abort does nothing, for outputs that write nothing before Finish.
func (Hooks) Abort() {}

// warning marks an output error that does not fail the run.
type warning struct{ err error }

func (w warning) Error() string { return w.err.Error() }
func (w warning) Unwrap() error { return w.err }

// Warn marks err as a warning: the output could not do its job, and says
// so, but the run's verdict stands. Warn(nil) is nil.
func Warn(err error) error {
	if err == nil {
		return nil
	}
	return warning{err}
}

// IsWarning reports whether err was marked with Warn.
func IsWarning(err error) bool {
	var w warning
	return errors.As(err, &w)
}

// List fans the run's hooks out to outputs, in order.
type List []Output

// Event passes an event to every output.
func (l List) Event(attempt int, ev *testjson.Event, line []byte, pkg *grouping.Package) {
	for _, o := range l {
		o.Event(attempt, ev, line, pkg)
	}
}

// ReadsLines reports whether an output reads events' raw lines (it says
// so with a ReadsLines method): see LineReader.
func (l List) ReadsLines() bool {
	for _, o := range l {
		if lr, ok := o.(interface{ ReadsLines() bool }); ok && lr.ReadsLines() {
			return true
		}
	}
	return false
}

// Round announces a rerun round to every output.
func (l List) Round(p grouping.PlanResult) {
	for _, o := range l {
		o.Round(p)
	}
}

// Refused tells every output that reruns were refused.
func (l List) Refused(p grouping.PlanResult, opts grouping.PlanOptions) {
	for _, o := range l {
		o.Refused(p, opts)
	}
}

// Resumed tells every output that groups run after a crash.
func (l List) Resumed(pkg string, crashed []string, neverStarted int) {
	for _, o := range l {
		o.Resumed(pkg, crashed, neverStarted)
	}
}

// PackageDone tells the outputs that want it that a package ended.
func (l List) PackageDone(p *grouping.Package) {
	for _, o := range l {
		if d, ok := o.(PackageDoner); ok {
			d.PackageDone(p)
		}
	}
}

// PrefixDone tells the outputs that write prefixes that one is ready.
func (l List) PrefixDone(p *grouping.Package, k int) {
	for _, o := range l {
		if w, ok := o.(PrefixWriter); ok {
			w.PrefixDone(p, k)
		}
	}
}

// Abort aborts every output.
func (l List) Abort() {
	for _, o := range l {
		o.Abort()
	}
}

// Package junit is the JUnit outputs of a run: --junitfile (a report
// written package by package as a recorded stream ends them) and
// --update-xml (the run merged into an earlier report). The report itself
// is built by the public junitout package.
package junit

import (
	"fmt"
	"io"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/file/atomicfile"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/junitout"
)

// FileOutput is the --junitfile output: a junitout.Stream that, for a
// recorded stream, writes each package as it ends (so that its passing
// groups can be dropped from memory), and the rest when the run is
// finished.
type FileOutput struct {
	output.Hooks
	stream    *junitout.Stream
	streaming bool
	err       error
}

// NewFileOutput starts the report at path, so that an unwritable path is
// refused before a test runs. With streaming, packages are written as they
// end (PackageDone).
func NewFileOutput(path string, opts junitout.Options, streaming bool) (*FileOutput, error) {
	s, err := junitout.NewStream(path, opts)
	if err != nil {
		return nil, fmt.Errorf("--junitfile: %w", err)
	}
	return &FileOutput{stream: s, streaming: streaming}, nil
}

// PackageDone writes a package of a recorded stream that ended in its
// first attempt. A package that runs again in the stream is written at
// Finish from all its attempts.
func (o *FileOutput) PackageDone(p *grouping.Package) {
	if !o.streaming || p.Attempt > 1 || o.err != nil {
		return
	}
	o.err = o.stream.WritePackage(grouping.HistoryOf(p))
}

// PrefixDone writes the testcases of a running package's groups from
// p.Written up to k (they have ended), so that the package may drop them.
func (o *FileOutput) PrefixDone(p *grouping.Package, k int) {
	if !o.streaming || p.Attempt > 1 || o.err != nil {
		return
	}
	o.err = o.stream.WriteEnded(p, k)
}

// Finish writes what is not written yet and commits the report.
func (o *FileOutput) Finish(r output.Result) error {
	if o.err != nil {
		o.Abort()
		return fmt.Errorf("--junitfile: %w", o.err)
	}
	if err := o.stream.Finish(r.Report); err != nil {
		return fmt.Errorf("--junitfile: %w", err)
	}
	return nil
}

// Abort leaves the file at path as it was.
func (o *FileOutput) Abort() { o.stream.Abort() }

// FinishesQuietly marks the report as an output.Quiet: Finish prints
// nothing, so it is written while the terminal shows the summary.
func (o *FileOutput) FinishesQuietly() {}

// UpdateOutput is the --update-xml output: it merges the run into an
// existing report, atomically, and says what the merged report holds.
type UpdateOutput struct {
	output.Hooks
	path   string
	old    *junitout.OldReport
	opts   junitout.Options
	stdout io.Writer
	totals junitout.Totals
}

// NewUpdateOutput checks the existing report (old, read from path) before
// anything runs: a report junitout cannot merge into is refused.
// The report is parsed once, here, and written out by Finish as it is
// merged, without a second copy in memory.
func NewUpdateOutput(path string, old []byte, opts junitout.Options, stdout io.Writer) (*UpdateOutput, error) {
	doc, err := junitout.ParseReport(old)
	if err != nil {
		return nil, fmt.Errorf("--update-xml %s: %w; it was left unchanged", path, err)
	}
	return &UpdateOutput{path: path, old: doc, opts: opts, stdout: stdout}, nil
}

// Finish merges the run into the report.
func (u *UpdateOutput) Finish(r output.Result) error {
	f, err := atomicfile.Create(u.path)
	if err != nil {
		return fmt.Errorf("--update-xml: %w", err)
	}
	totals, err := u.old.WriteUpdate(f, junitout.Build(r.Report, u.opts), junitout.UpdateOptions{OnlyLast: u.opts.OnlyLast})
	if err != nil {
		f.Abort()
		return fmt.Errorf("--update-xml %s: %w", u.path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("--update-xml: %w", err)
	}
	u.totals = totals
	fmt.Fprintf(u.stdout, "gorerun: updated %s: %d tests, %d failures, %d errors\n", u.path, totals.Tests, totals.Failures, totals.Errors)
	return nil
}

// Failed reports whether the merged report still has a failure or an
// error: the verdict of a run that updates a report.
func (u *UpdateOutput) Failed() bool { return u.totals.Failures+u.totals.Errors > 0 }

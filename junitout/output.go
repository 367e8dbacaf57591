package junitout

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/file/atomicfile"
	"github.com/gorerun/gorerun/internal/output"
)

// FileOutput is the --junitfile output: a Stream that, for a recorded
// stream, writes each package as it ends (so that its passing groups can
// be dropped from memory), and the rest when the run is finished.
type FileOutput struct {
	output.Hooks
	stream    *Stream
	streaming bool
	err       error
	prefixes  map[*grouping.Package]*Prefix // packages written in part while they run
}

// NewFileOutput starts the report at path, so that an unwritable path is
// refused before a test runs. With streaming, packages are written as they
// end (PackageDone).
func NewFileOutput(path string, opts Options, streaming bool) (*FileOutput, error) {
	s, err := NewStream(path, opts)
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
	pr := o.prefixes[p]
	if pr != nil {
		// DropPassedPrefix left the written groups that did not pass at
		// the front: the prefix holds them already.
		pr.groups = p.Written
	}
	o.err = o.stream.writePackage(grouping.HistoryOf(p), pr)
	delete(o.prefixes, p)
}

// PrefixDone encodes the testcases of a running package's groups from
// p.Written up to k (they have ended), so that the package may drop them.
func (o *FileOutput) PrefixDone(p *grouping.Package, k int) {
	if !o.streaming || p.Attempt > 1 || o.err != nil {
		return
	}
	if o.prefixes == nil {
		o.prefixes = map[*grouping.Package]*Prefix{}
	}
	pr := o.prefixes[p]
	if pr == nil {
		pr = &Prefix{}
		o.prefixes[p] = pr
	}
	for _, g := range p.Groups[p.Written:k] {
		h := &grouping.History{Package: p.ImportPath, Name: g.Name, Runs: []*grouping.Group{g}}
		for _, t := range g.Tests {
			tc := o.stream.opts.testcase(p.ImportPath, h, t.Name)
			if !o.stream.opts.keep(&tc) {
				continue
			}
			pr.counts.count(&tc)
			pr.enc.testcase(&tc)
		}
	}
	o.err = pr.spill(filepath.Dir(o.stream.path), filepath.Base(o.stream.path))
}

// Finish writes what is not written yet and commits the report.
func (o *FileOutput) Finish(r output.Result) error {
	pkgs := r.Report.Packages()
	// Packages a truncated stream never ended, written in part already.
	for _, ph := range pkgs {
		p := ph.Runs[0]
		if pr := o.prefixes[p]; pr != nil && o.err == nil {
			pr.groups = p.Written
			o.err = o.stream.writePackage(grouping.HistoryOf(p), pr)
			delete(o.prefixes, p)
		}
	}
	if o.err != nil {
		o.Abort()
		return fmt.Errorf("--junitfile: %w", o.err)
	}
	if err := o.stream.finish(pkgs); err != nil {
		return fmt.Errorf("--junitfile: %w", err)
	}
	return nil
}

// Abort leaves the file at path as it was.
func (o *FileOutput) Abort() {
	for _, pr := range o.prefixes {
		pr.close()
	}
	o.stream.Abort()
}

// UpdateOutput is the --update-xml output: it merges the run into an
// existing report, atomically, and says what the merged report holds.
type UpdateOutput struct {
	output.Hooks
	path   string
	old    *OldReport
	opts   Options
	stdout io.Writer
	totals Totals
}

// NewUpdateOutput checks the existing report (old, read from path) before
// anything runs: a report Update cannot merge into is refused.
// The report is parsed once, here, and written out by Finish as it is
// merged, without a second copy in memory.
func NewUpdateOutput(path string, old []byte, opts Options, stdout io.Writer) (*UpdateOutput, error) {
	doc, err := ParseReport(old)
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
	totals, err := u.old.WriteUpdate(f, Build(r.Report, u.opts), UpdateOptions{OnlyLast: u.opts.OnlyLast})
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

// Package rerunreport writes --rerun-fails-report: gotestsum's report of
// the tests that failed and were rerun, one line each,
// "pkg.TestName: N runs, M failures", sorted by name.
package rerunreport

import (
	"fmt"
	"sort"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/file/atomicfile"
	"github.com/gorerun/gorerun/internal/output"
)

// Report is the --rerun-fails-report output.
type Report struct {
	output.Hooks
	f *atomicfile.File
}

// New starts the report at path, so that an unwritable path is refused
// before the tests run; nothing is visible there until Finish.
func New(path string) (*Report, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--rerun-fails-report: %w", err)
	}
	return &Report{f: f}, nil
}

// Lines returns the report's lines: each test (top-level or subtest) that
// failed in some attempt, with the attempts that ran it and those it
// failed.
func Lines(r *grouping.Report) []string {
	type counts struct{ runs, failed int }
	byName := map[string]*counts{}
	for _, ph := range r.Packages() {
		for _, h := range ph.Groups {
			for _, g := range h.Runs {
				for _, t := range g.Tests {
					if t.Status == grouping.NotRun {
						continue
					}
					name := ph.ImportPath + "." + t.Name
					c := byName[name]
					if c == nil {
						c = &counts{}
						byName[name] = c
					}
					if t.Status != grouping.Skip {
						c.runs++
					}
					if t.Status.Failed() {
						c.failed++
					}
				}
			}
		}
	}
	var names []string
	for name, c := range byName {
		if c.failed > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	lines := make([]string, len(names))
	for i, name := range names {
		lines[i] = fmt.Sprintf("%s: %d runs, %d failures", name, byName[name].runs, byName[name].failed)
	}
	return lines
}

// Finish writes and commits the report.
func (rr *Report) Finish(r output.Result) error {
	for _, line := range Lines(r.Report) {
		if _, err := fmt.Fprintln(rr.f, line); err != nil {
			rr.f.Abort()
			return fmt.Errorf("--rerun-fails-report: %w", err)
		}
	}
	if err := rr.f.Commit(); err != nil {
		return fmt.Errorf("--rerun-fails-report: %w", err)
	}
	return nil
}

// Abort leaves the file at the path as it was.
func (rr *Report) Abort() { rr.f.Abort() }

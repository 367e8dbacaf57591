// Package hunt runs groups many times, each time in a fresh go test
// process (not -count: state a process keeps between runs must be fresh),
// to catch flaky tests before they merge; it can select the tests whose
// files changed since a git revision.
package hunt

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/env/gitinfo"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/internal/runner"
)

// Config is a hunt.
type Config struct {
	Runner runner.Config // packages, go test flags, directory; its Observer is replaced
	Times  int           // runs of every group
	// Changed, if set, selects only the top-level tests defined in _test.go
	// files that changed since this git revision.
	Changed string
	Out     io.Writer
}

// Result is what a hunt found for one group.
type Result struct {
	Package, Group string
	Runs, Failed   int
	FirstFailure   string // the output of the first failed run
	FirstAttempt   int    // which run failed first
}

// Run hunts and returns every group's result, failures first; when it is
// interrupted (or a run fails), what the runs so far found, with the error.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if cfg.Runner.Binaries == nil && !cfg.Runner.NoKeep {
		// One link per package for the whole hunt: every run runs the
		// binary built for the first.
		st := runner.NewBinaries(ctx, cfg.Runner)
		defer st.Close()
		cfg.Runner.Binaries = st
	}
	list, err := runner.ListGroups(ctx, cfg.Runner)
	if err != nil {
		return nil, err
	}
	if cfg.Changed != "" {
		if list, err = changedOnly(ctx, cfg, list); err != nil {
			return nil, err
		}
	}
	var sel []grouping.Rerun
	groups := 0
	for _, pg := range list {
		if len(pg.Groups) > 0 {
			sel = append(sel, grouping.Rerun{Package: pg.Package, Run: pg.Groups})
			groups += len(pg.Groups)
		}
	}
	if groups == 0 {
		fmt.Fprintln(cfg.Out, "gorerun: hunt: no test selected")
		return nil, nil
	}
	results := map[[2]string]*Result{}
	for i := 1; i <= cfg.Times; i++ {
		rc := cfg.Runner
		rc.First, rc.FirstAttempt = sel, i
		rc.Plan = grouping.PlanOptions{MaxReruns: 0, MaxFailures: -1}
		rc.Observer = output.Hooks{}
		report, err := runner.Run(ctx, rc)
		if err != nil {
			return sorted(results), err // an interrupted run's partial results are not counted
		}
		failed := 0
		for _, ph := range report.Packages() {
			for _, h := range ph.Groups {
				key := [2]string{ph.ImportPath, h.Name}
				r := results[key]
				if r == nil {
					r = &Result{Package: ph.ImportPath, Group: h.Name}
					results[key] = r
				}
				r.Runs++
				if h.Status().Failed() {
					failed++
					r.Failed++
					if r.FirstFailure == "" {
						r.FirstFailure, r.FirstAttempt = failureOutput(h.Final()), i
					}
				}
			}
		}
		fmt.Fprintf(cfg.Out, "gorerun: hunt %d/%d: %d groups in fresh processes, %d failed\n", i, cfg.Times, groups, failed)
	}
	return sorted(results), nil
}

// sorted lists the results, failures first.
func sorted(results map[[2]string]*Result) []Result {
	out := make([]Result, 0, len(results))
	for _, r := range results {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Failed != out[j].Failed {
			return out[i].Failed > out[j].Failed
		}
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return out[i].Group < out[j].Group
	})
	return out
}

// failureOutput is a failed group's output: its failing tests' own lines.
func failureOutput(g *grouping.Group) string {
	var b bytes.Buffer
	for _, t := range g.Tests {
		if t.Status.Failed() {
			b.Write(grouping.StripFraming(t.Output()))
		}
	}
	return b.String()
}

// Print writes the hunt's summary: each group that failed with how often
// and its first failure, then the totals. times is the runs done.
func Print(w io.Writer, results []Result, times int) (failed bool) {
	n := 0
	for _, r := range results {
		if r.Failed == 0 {
			continue
		}
		n++
		fmt.Fprintf(w, "\n=== FLAKY: %s %s failed %d of %d runs (first in run %d)\n%s", r.Package, r.Group, r.Failed, r.Runs, r.FirstAttempt, r.FirstFailure)
	}
	fmt.Fprintf(w, "\nHUNT %d groups × %d runs: %d failed at least once\n", len(results), times, n)
	return n > 0
}

// changedOnly keeps the top-level tests defined in the _test.go files that
// changed since the revision (git diff against the working tree: changes
// not committed yet count; files git does not track yet do not).
func changedOnly(ctx context.Context, cfg Config, list []runner.PackageGroups) ([]runner.PackageGroups, error) {
	top, err := gitinfo.Output(ctx, cfg.Runner.Dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	names, err := gitinfo.Output(ctx, cfg.Runner.Dir, "diff", "--name-only", cfg.Changed, "--", "*_test.go")
	if err != nil {
		return nil, fmt.Errorf("--hunt-changed %s: %w", cfg.Changed, err)
	}
	changed := map[string]bool{}
	for _, n := range strings.Fields(names) {
		changed[filepath.Join(top, n)] = true
	}
	var out []runner.PackageGroups
	for _, pg := range list {
		dir, files, err := runner.TestFiles(ctx, cfg.Runner, pg.Package)
		if err != nil {
			continue
		}
		want := map[string]bool{}
		for _, f := range files {
			path := filepath.Join(dir, f)
			if !changed[path] {
				continue
			}
			for _, name := range testFuncs(path) {
				want[name] = true
			}
		}
		sel := runner.PackageGroups{Package: pg.Package, Listed: true}
		for _, g := range pg.Groups {
			if want[g] {
				sel.Groups = append(sel.Groups, g)
			}
		}
		if len(sel.Groups) > 0 {
			out = append(out, sel)
		}
	}
	return out, nil
}

// testFuncs names the top-level functions of a test file that start with
// Test, Fuzz or Example.
func testFuncs(path string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var names []string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil {
			if n := fn.Name.Name; strings.HasPrefix(n, "Test") || strings.HasPrefix(n, "Fuzz") || strings.HasPrefix(n, "Example") {
				names = append(names, n)
			}
		}
	}
	return names
}

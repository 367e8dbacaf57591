package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/runner/deal"
	"github.com/gorerun/gorerun/internal/runner/testlist"
)

// PackageGroups is a package and its groups (top-level tests), as go test
// -list names them, in the order go test runs them.
type PackageGroups struct {
	Package string
	Groups  []string
	// Listed is false when go test -list failed for the package (it does
	// not build, or its TestMain fails): it runs whole, and fails there.
	Listed bool
}

// ListGroups lists the groups of the packages cfg selects from their
// test files (internal/testlist), honouring the user's -run and -skip for
// top-level tests, without running a test binary: a TestMain that starts
// a browser does not run to list. Without kept binaries (cfg.Binaries
// nil) the go list it runs is go list -export, which compiles every test
// package with the user's build flags, so that the workers that run them
// at once find the build cache warm instead of compiling the same
// packages side by side.
func ListGroups(ctx context.Context, cfg Config) ([]PackageGroups, error) {
	cfg = withDefaults(cfg)
	args := []string{"list", "-e", "-test", "-json=ImportPath,Dir,ForTest,TestGoFiles,XTestGoFiles,Export,Error,DepsErrors"}
	if cfg.Binaries == nil {
		// Without kept binaries every worker builds its own: compile
		// once here instead of side by side in each.
		args = append(args, "-export")
	}
	args = append(args, buildFlags(cfg.Flags)...)
	out, err := goOutput(ctx, cfg, append(args, cfg.Packages...)...)
	if strings.TrimSpace(out) == "" && err != nil {
		return nil, fmt.Errorf("go list %s: %w", strings.Join(cfg.Packages, " "), err)
	}
	type entry struct {
		ImportPath, Dir, ForTest  string
		TestGoFiles, XTestGoFiles []string
		Error                     *struct{ Err string }
		DepsErrors                []struct{ Err string }
	}
	var list []PackageGroups
	index := map[string]int{}
	broken := map[string]bool{}
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var e entry
		if err := dec.Decode(&e); err != nil {
			if err == io.EOF {
				break
			}
			return nil, fmt.Errorf("go list: %w", err)
		}
		// Test variants ("p [p.test]", "p_test [p.test]", "p.test") name
		// the package they test; a build error in any of them means the
		// package's tests do not build.
		owner := e.ForTest
		if owner == "" {
			owner = strings.TrimSuffix(e.ImportPath, ".test")
		}
		if e.Error != nil || len(e.DepsErrors) > 0 {
			broken[owner] = true
		}
		if e.ForTest != "" || strings.Contains(e.ImportPath, " ") || owner != e.ImportPath {
			continue
		}
		if cfg.Binaries != nil {
			cfg.Binaries.SetDir(e.ImportPath, e.Dir)
		}
		names, err := testlist.Names(e.Dir, e.TestGoFiles, e.XTestGoFiles)
		if err != nil {
			broken[owner] = true
		}
		index[e.ImportPath] = len(list)
		list = append(list, PackageGroups{Package: e.ImportPath, Groups: selectNames(cfg.Flags, names), Listed: true})
	}
	for pkg := range broken {
		if i, ok := index[pkg]; ok {
			list[i] = PackageGroups{Package: pkg}
		}
	}
	return list, nil
}

// selectNames keeps the top-level tests the user's -run and -skip select
// (their first '/'-separated element, as the testing package matches
// top-level names).
func selectNames(flags, names []string) []string {
	// A -skip of several elements skips subtests only.
	match := func(flag string, topLevelOnly bool) *regexp.Regexp {
		v, ok := GoFlag(flags, flag)
		if !ok || v == "" {
			return nil
		}
		elems := splitRegexp(v)
		if topLevelOnly && len(elems) > 1 {
			return nil
		}
		re, err := regexp.Compile(elems[0])
		if err != nil {
			return nil // CheckPatterns refused it before anything ran
		}
		return re
	}
	run, skip := match("run", false), match("skip", true)
	var out []string
	for _, n := range names {
		if (run == nil || run.MatchString(n)) && (skip == nil || !skip.MatchString(n)) {
			out = append(out, n)
		}
	}
	return out
}

// DealWorkers deals the groups of each listed package to at most n
// workers: each worker's groups run in one process of the package,
// concurrently with its other workers. A package runs whole in one
// process when splitting it cannot pay (see worthSplitting), or when it
// could not be listed. Timings (by deal.Key) balance the workers; without
// them groups are dealt round-robin in go test's order.
func DealWorkers(list []PackageGroups, n int, timings map[string]time.Duration) []grouping.Rerun {
	tested := 0
	for _, pg := range list {
		if pg.Listed && len(pg.Groups) > 0 {
			tested++
		}
	}
	var out []grouping.Rerun
	for _, pg := range list {
		if !pg.Listed || len(pg.Groups) < 2 || n < 2 || !worthSplitting(pg, n, tested, timings) {
			if pg.Listed && len(pg.Groups) > 0 {
				out = append(out, grouping.Rerun{Package: pg.Package, Run: pg.Groups})
			} else {
				out = append(out, grouping.Rerun{Package: pg.Package})
			}
			continue
		}
		keys := make([]string, len(pg.Groups))
		name := map[string]string{}
		for i, g := range pg.Groups {
			keys[i] = deal.Key(pg.Package, g)
			name[keys[i]] = g
		}
		buckets, _ := deal.Split(keys, n, timings)
		for w, b := range buckets {
			groups := make([]string, len(b))
			for i, k := range b {
				groups[i] = name[k]
			}
			out = append(out, grouping.Rerun{Package: pg.Package, Run: groups, Worker: w + 1})
		}
	}
	return out
}

// minSaving is the least a split must save, by earlier timings, for
// --workers to split a package: below it another process's start and its
// TestMain cost about what the split saves.
const minSaving = 500 * time.Millisecond

// worthSplitting reports whether a package of two or more groups is split
// over workers: with timings of its groups, when the split's longest
// worker ends minSaving or more before the package would in one process
// (a package whose time is one long group gains nothing); without, when
// the run has fewer packages with tests than workers (else go test's -p
// keeps the cores busy with whole packages, and a split only adds
// processes).
func worthSplitting(pg PackageGroups, n, tested int, timings map[string]time.Duration) bool {
	keys := make([]string, len(pg.Groups))
	known := false
	for i, g := range pg.Groups {
		keys[i] = deal.Key(pg.Package, g)
		_, ok := timings[keys[i]]
		known = known || ok
	}
	if !known {
		return tested < n
	}
	_, est := deal.Split(keys, n, timings)
	var total, longest time.Duration
	for _, d := range est {
		total += d
		longest = max(longest, d)
	}
	return total-longest >= minSaving
}

// anyWorthSplitting reports whether the timings (by deal.Key) of earlier
// runs show a package that n workers would split.
func anyWorthSplitting(timings map[string]time.Duration, n int) bool {
	groups := map[string][]string{}
	for k := range timings {
		if pkg, g, ok := strings.Cut(k, " "); ok {
			groups[pkg] = append(groups[pkg], g)
		}
	}
	for pkg, gs := range groups {
		if len(gs) > 1 && worthSplitting(PackageGroups{Package: pkg, Groups: gs, Listed: true}, n, 0, timings) {
			return true
		}
	}
	return false
}

// listOrder ranks each package's groups in go test's order.
func listOrder(list []PackageGroups) map[string]map[string]int {
	rank := map[string]map[string]int{}
	for _, pg := range list {
		rk := map[string]int{}
		for i, g := range pg.Groups {
			rk[g] = i
		}
		rank[pg.Package] = rk
	}
	return rank
}

// joiner hands the observer one package end per package whose groups run
// on several workers: the last worker's, with the package joined from
// every worker's part, as if one process had run it.
type joiner struct {
	workers   map[string]int // worker sequences of the package
	unstarted map[string]int // worker sequences of the package not started yet
	active    map[string]int // worker processes of the package running
	parts     map[string][]*round
	rounds    []*round                  // every worker's round, in the order they were made
	rank      map[string]map[string]int // group order per package
}

func newJoiner(reruns []grouping.Rerun, rank map[string]map[string]int) *joiner {
	j := &joiner{workers: map[string]int{}, unstarted: map[string]int{}, active: map[string]int{}, parts: map[string][]*round{},
		rank: rank}
	if j.rank == nil {
		j.rank = map[string]map[string]int{}
	}
	seen := map[[2]any]bool{}
	for _, r := range reruns {
		if r.Worker == 0 {
			continue
		}
		if key := [2]any{r.Package, r.Worker}; !seen[key] {
			seen[key] = true
			j.unstarted[r.Package]++
			j.workers[r.Package]++
		}
		if rank != nil {
			continue
		}
		rk := j.rank[r.Package]
		if rk == nil {
			rk = map[string]int{}
			j.rank[r.Package] = rk
		}
		for _, g := range r.Run {
			rk[g] = len(rk)
		}
	}
	return j
}

// ended returns what the observer gets with a worker process's package
// end event: nil while other workers of the package run or wait to,
// else the joined package.
func (j *joiner) ended(p *grouping.Package) *grouping.Package {
	j.active[p.ImportPath]--
	if j.active[p.ImportPath] > 0 || j.unstarted[p.ImportPath] > 0 {
		return nil
	}
	var parts []*grouping.Package
	for _, rd := range j.parts[p.ImportPath] {
		if q := rd.tracker.Package(p.ImportPath); q != nil {
			parts = append(parts, q)
		}
	}
	return grouping.JoinPackages(j.rank[p.ImportPath], parts...)
}

// workerRound is the round of one worker process sequence of pkg: a
// tracker of its own, the round's lock.
func (rd *round) workerRound(pkg string, worker int) *round {
	opts := rd.cfg.Tracker
	opts.Attempt, opts.Worker = rd.attempt, worker
	if opts.Now == nil {
		opts.Now = time.Now
	}
	w := &round{cfg: rd.cfg, attempt: rd.attempt, mu: rd.mu, tracker: grouping.NewTracker(opts), worker: worker, pkg: pkg, join: rd.join}
	rd.join.parts[pkg] = append(rd.join.parts[pkg], w)
	rd.join.rounds = append(rd.join.rounds, w)
	return w
}

// finishWorkers joins the round's own attempt and its workers' into one.
func (rd *round) finishWorkers(main *grouping.Attempt) *grouping.Attempt {
	if rd.join == nil || len(rd.join.rounds) == 0 {
		return main
	}
	parts := []*grouping.Attempt{main}
	for _, w := range rd.join.rounds {
		parts = append(parts, w.finish())
	}
	return grouping.JoinAttempts(rd.join.rank, parts...)
}

// prebuild builds the kept binary of every package split over workers,
// at once, before the workers start. A package whose binary does not
// build is left out of split and returned in failed: it runs whole, in a
// go test that reports why once.
func prebuild(ctx context.Context, cfg Config, split []grouping.Rerun) (kept []grouping.Rerun, failed []string) {
	var pkgs []string
	seen := map[string]bool{}
	for _, r := range split {
		if !seen[r.Package] {
			seen[r.Package] = true
			pkgs = append(pkgs, r.Package)
		}
	}
	bad := make([]bool, len(pkgs))
	var wg sync.WaitGroup
	for i, pkg := range pkgs {
		wg.Go(func() { _, err := cfg.Binaries.Binary(ctx, pkg); bad[i] = err != nil })
	}
	wg.Wait()
	skip := map[string]bool{}
	for i, pkg := range pkgs {
		if bad[i] {
			skip[pkg] = true
			failed = append(failed, pkg)
		}
	}
	for _, r := range split {
		if !skip[r.Package] {
			kept = append(kept, r)
		}
	}
	return kept, failed
}

// workerArgs builds the go test arguments of one worker process of the
// first round: the user's flags with the worker's groups selected (and the
// subtest elements of the user's -run kept), caching as go test does.
func workerArgs(cfg Config, r grouping.Rerun) []string {
	return goTestArgs(cfg.Flags, workerFlags(cfg, r), r.Package)
}

// workerFlags select a worker's groups, after the user's flags.
func workerFlags(cfg Config, r grouping.Rerun) []string {
	if len(r.Run) == 0 {
		return nil
	}
	pattern := grouping.Pattern(r.Run)
	if run, ok := GoFlag(cfg.Flags, "run"); ok {
		if elems := splitRegexp(run); len(elems) > 1 {
			pattern += "/" + strings.Join(elems[1:], "/")
		}
	}
	return []string{"-run", pattern}
}

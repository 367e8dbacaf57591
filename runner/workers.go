package runner

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/deal"
	"github.com/gorerun/gorerun/testjson"
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

// testName matches the lines of go test -list that name a top-level test
// go test runs (benchmarks run only with -bench and are left out).
var testName = regexp.MustCompile(`^(?:Test|Example|Fuzz)[^\s]*$`)

// ListGroups lists the groups of the packages cfg selects with one go
// test -json -list (which builds every test binary once, so that the
// processes that run them later find the build cache warm), honouring the
// user's -run for top-level tests and the user's build flags.
func ListGroups(ctx context.Context, cfg Config) ([]PackageGroups, error) {
	cfg = withDefaults(cfg)
	pattern := "."
	if run, ok := goFlag(cfg.Flags, "run"); ok && run != "" {
		pattern = splitRegexp(run)[0]
	}
	args := append([]string{"test", "-json"}, cfg.Flags...)
	args = append(args, "-list", pattern)
	args = append(args, cfg.Packages...)
	out, err := goOutput(ctx, cfg, args...)
	if strings.TrimSpace(out) == "" && err != nil {
		return nil, fmt.Errorf("go test -list %s: %w", strings.Join(cfg.Packages, " "), err)
	}
	var list []PackageGroups
	index := map[string]int{}
	d := testjson.NewDecoder(strings.NewReader(out))
	for d.Scan() {
		ev := d.Event()
		if ev.NotJSON || ev.Package == "" {
			continue
		}
		i, ok := index[ev.Package]
		if !ok {
			i = len(list)
			index[ev.Package] = i
			list = append(list, PackageGroups{Package: ev.Package})
		}
		switch {
		case ev.Action == testjson.ActionOutput && ev.Test == "":
			if name := strings.TrimSpace(ev.Output); testName.MatchString(name) {
				list[i].Groups = append(list[i].Groups, name)
			}
		case ev.Test == "" && (ev.Action == testjson.ActionPass || ev.Action == testjson.ActionSkip):
			list[i].Listed = true
		}
	}
	return list, nil
}

// DealWorkers deals the groups of each listed package to at most n
// workers: each worker's groups run in one go test process of the
// package, concurrently with its other workers. A package with fewer than
// two groups, or that could not be listed, runs whole in one process.
// Timings (by deal.Key) balance the workers; without them groups are
// dealt round-robin in go test's order.
func DealWorkers(list []PackageGroups, n int, timings map[string]time.Duration) []grouping.Rerun {
	var out []grouping.Rerun
	for _, pg := range list {
		if !pg.Listed || len(pg.Groups) < 2 || n < 2 {
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
	w := &round{cfg: rd.cfg, attempt: rd.attempt, mu: rd.mu, tracker: grouping.NewTracker(opts), worker: worker, join: rd.join}
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

// workerArgs builds the go test arguments of one worker process of the
// first round: the user's flags with the worker's groups selected (and the
// subtest elements of the user's -run kept), caching as go test does.
func workerArgs(cfg Config, r grouping.Rerun) []string {
	args := append([]string{"test", "-json"}, cfg.Flags...)
	if len(r.Run) > 0 {
		pattern := grouping.Pattern(r.Run)
		if run, ok := goFlag(cfg.Flags, "run"); ok {
			if elems := splitRegexp(run); len(elems) > 1 {
				pattern += "/" + strings.Join(elems[1:], "/")
			}
		}
		args = append(args, "-run", pattern)
	}
	return append(args, r.Package)
}

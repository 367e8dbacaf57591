package grouping

import (
	"regexp"
	"strings"
)

// Rerun is what one go test process of a rerun round runs.
type Rerun struct {
	Package string
	// Run lists the groups to select with an anchored -run; Skip lists the
	// groups to exclude with an anchored -skip (after a crash, so that
	// groups that never started run too). Both empty means the whole
	// package.
	Run  []string
	Skip []string
	// Worker, when above 0, is the --workers process of the package that
	// runs these groups, concurrently with the package's other workers.
	Worker int
	// Shuffle is the seed the package's failed attempt shuffled its tests
	// with (its "-test.shuffle N" line), "" when it did not shuffle: a
	// rerun may repeat that order (gorerun's --rerun-same-shuffle).
	Shuffle string
}

// Whole reports whether the rerun runs the whole package.
func (r Rerun) Whole() bool { return len(r.Run) == 0 && len(r.Skip) == 0 }

// PlanOptions limit reruns.
type PlanOptions struct {
	// MaxReruns is how many times a failed group may be rerun after its
	// first attempt.
	MaxReruns int
	// MaxFailures: if more groups than this fail in the first attempt,
	// nothing is rerun. Negative means no limit.
	MaxFailures int
	// RerunDataRaces reruns groups whose output holds a data race report;
	// by default they are not rerun: a race is a bug, not a flake.
	RerunDataRaces bool
	// AbortOnDataRace reruns nothing once any failed group raced
	// (gotestsum's --rerun-fails-abort-on-data-race).
	AbortOnDataRace bool
}

// PlanResult is the next round, or why there is none.
type PlanResult struct {
	Round  int // the attempt number of the next round
	Rerun  int // which rerun of this run it is: 1 for the first
	Reruns []Rerun
	Groups int // how many groups the round reruns (whole packages count as one)
	// Failed and NeverStarted split Groups: groups (or whole packages) that
	// failed or crashed, and groups (or packages) that never started.
	Failed, NeverStarted int
	Refused              string // set when reruns were refused by the max-failures guard
	// Races names the failed groups ("pkg TestX") not rerun because they
	// had a data race.
	Races []string
}

// Packages counts the packages the round runs.
func (p PlanResult) Packages() int {
	seen := map[string]bool{}
	for _, r := range p.Reruns {
		seen[r.Package] = true
	}
	return len(seen)
}

// Reruns reports whether the groups that fail in round k of a run (0 for
// its first round, 1 for its first rerun) get another round, as far as
// the rerun budget goes. It is the rule Plan applies; Plan also refuses
// reruns for too many failures and for data races, which are known only
// once the round has ended (PlanResult.Refused, PlanResult.Races).
func (o PlanOptions) Reruns(k int) bool { return k < o.MaxReruns }

// Plan decides the next rerun round from the attempts so far. It is a pure
// function of the report. An empty Reruns means no more rounds.
func Plan(r *Report, opts PlanOptions) PlanResult {
	if len(r.Attempts) == 0 {
		return PlanResult{Round: 1}
	}
	// Attempt numbers may start above 1 (--last-failed continues an
	// earlier run's attempts); the rerun budget is this run's.
	res := PlanResult{Round: r.Attempts[len(r.Attempts)-1].Number + 1, Rerun: len(r.Attempts)}
	if !opts.Reruns(res.Rerun - 1) {
		return res
	}
	for _, ph := range r.Packages() {
		if ph.Final().Status == PackageBuildFailed {
			continue
		}
		final := ph.Final()
		var failed, crashed, done []string
		notRun := 0
		for _, h := range ph.Groups {
			if h.Final().Race && h.Status().Failed() && !opts.RerunDataRaces {
				res.Races = append(res.Races, ph.ImportPath+" "+h.Name)
				continue
			}
			switch st := h.Status(); {
			case st == Error:
				crashed = append(crashed, h.Name)
			case st == NotRun:
				notRun++
				failed = append(failed, h.Name)
			case st.Failed():
				failed = append(failed, h.Name)
			default:
				done = append(done, h.Name)
			}
		}
		first := len(res.Reruns)
		switch {
		case final.Status == PackageNotRun:
			res.Reruns = append(res.Reruns, Rerun{Package: ph.ImportPath})
			res.NeverStarted++
		case len(failed)+len(crashed) > 0:
			// A group that crashed the test binary reruns in a process of
			// its own, so that crashing again cannot take others down.
			if len(failed) > 0 {
				res.Reruns = append(res.Reruns, Rerun{Package: ph.ImportPath, Run: failed})
			}
			res.Reruns = appendAlone(res.Reruns, ph.ImportPath, crashed)
			res.Failed += len(failed) - notRun + len(crashed)
			res.NeverStarted += notRun
		case final.Crashed():
			// A crash outside any test (init, TestMain) left groups unnamed: run what has
			// not passed.
			res.Reruns = append(res.Reruns, Rerun{Package: ph.ImportPath, Skip: done})
			res.Failed++
		case final.FailedWithoutTest():
			// TestMain failed after its tests: the
			// package reruns whole.
			res.Reruns = append(res.Reruns, Rerun{Package: ph.ImportPath})
			res.Failed++
		}
		for i := first; i < len(res.Reruns); i++ {
			res.Reruns[i].Shuffle = final.Seed()
		}
	}
	res.Groups = res.Failed + res.NeverStarted
	switch {
	case res.Rerun == 1 && opts.MaxFailures >= 0 && res.Groups > opts.MaxFailures:
		res.Refused = "too many failures"
		res.Reruns = nil
	case opts.AbortOnDataRace && len(res.Races) > 0:
		res.Refused = "data race"
		res.Reruns = nil
	}
	return res
}

// appendAlone adds one rerun per group.
func appendAlone(reruns []Rerun, pkg string, groups []string) []Rerun {
	for _, g := range groups {
		reruns = append(reruns, Rerun{Package: pkg, Run: []string{g}})
	}
	return reruns
}

// Pattern returns an anchored regular expression for go test's -run or
// -skip that selects exactly the named top-level tests. Names are quoted with
// regexp.QuoteMeta; the expression has no '/' outside the names, and
// top-level test names never contain one.
func Pattern(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	return "^(?:" + strings.Join(quoted, "|") + ")$"
}

// Args returns the go test arguments that select the rerun's groups.
func (r Rerun) Args() []string {
	var args []string
	if len(r.Run) > 0 {
		args = append(args, "-run", Pattern(r.Run))
	}
	if len(r.Skip) > 0 {
		args = append(args, "-skip", Pattern(r.Skip))
	}
	return args
}

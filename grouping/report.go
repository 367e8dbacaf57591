package grouping

// Report holds every attempt of a run, in order, and answers questions
// about the groups across them. Attempts are values of their own; the
// report never changes them.
type Report struct {
	Attempts []*Attempt
	// frozen is Packages once Freeze said nothing changes any more.
	frozen []*PackageHistory
}

// Add appends an attempt.
func (r *Report) Add(a *Attempt) {
	r.Attempts = append(r.Attempts, a)
	r.frozen = nil
}

// Freeze says the run is over: neither the attempts nor their packages
// change any more (until the next Add). Packages is then built once and
// shared by every output that asks for it, instead of once for each: a
// million failed groups are a million histories, held once.
func (r *Report) Freeze() {
	r.frozen = nil
	r.frozen = r.Packages()
}

// History is every run of one group, in attempt order.
type History struct {
	Package string
	Name    string
	Runs    []*Group
}

// Final returns the last run of the group.
func (h *History) Final() *Group { return h.Runs[len(h.Runs)-1] }

// Status is the final status of the group.
func (h *History) Status() Status { return h.Final().Status() }

// FinalTests returns every test of the group as the last run that ran it
// left it: the final run's tests in order, then tests only earlier runs
// had (a rerun by another tool may select only the failed subtests).
func (h *History) FinalTests() []*Test {
	if len(h.Runs) == 1 {
		return h.Runs[0].Tests
	}
	var out []*Test
	seen := map[string]bool{}
	for i := len(h.Runs) - 1; i >= 0; i-- {
		for _, t := range h.Runs[i].Tests {
			if !seen[t.Name] {
				seen[t.Name] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// Flaky reports whether the group failed at least once and passed on its
// last attempt.
func (h *History) Flaky() bool {
	if h.Status() != Pass && h.Status() != Skip {
		return false
	}
	for _, g := range h.Runs[:len(h.Runs)-1] {
		if g.Status().Failed() {
			return true
		}
	}
	return false
}

// FlakyGroups returns the groups that passed on a rerun, in package and
// group order.
func FlakyGroups(pkgs []*PackageHistory) []*History {
	var out []*History
	for _, ph := range pkgs {
		for _, h := range ph.Groups {
			if h.Flaky() {
				out = append(out, h)
			}
		}
	}
	return out
}

// PackageHistory is every attempt of one package.
type PackageHistory struct {
	ImportPath string
	Runs       []*Package
	Groups     []*History
}

// Final returns the package's last attempt.
func (p *PackageHistory) Final() *Package { return p.Runs[len(p.Runs)-1] }

// Seed is the seed the package's attempt shuffled its tests with (see
// Package.Seed), or "" when that attempt did not shuffle.
func (p *PackageHistory) Seed(attempt int) string {
	seed := ""
	for _, run := range p.Runs {
		if run.Attempt == attempt && run.Seed() != "" {
			seed = run.Seed()
		}
	}
	return seed
}

// Failed reports whether the package ends failed: it did not build, a group
// ends failed, or its last attempt failed without a failing test.
func (p *PackageHistory) Failed() bool { return p.FailedIgnoring(nil) }

// FailedIgnoring is Failed with the failures of the groups ignore names
// left out (quarantined groups); a nil ignore leaves out nothing.
func (p *PackageHistory) FailedIgnoring(ignore func(pkg, group string) bool) bool {
	if p.Final().Status == PackageBuildFailed {
		return true
	}
	for _, h := range p.Groups {
		if h.Status().Failed() && (ignore == nil || !ignore(p.ImportPath, h.Name)) {
			return true
		}
	}
	f := p.Final()
	return f.FailedWithoutTest() || f.Status == PackageIncomplete || f.Status == PackageNotRun
}

// Packages returns the history of every package, in the order packages
// first appeared, with groups in the order they first appeared.
//
// After Freeze, every call returns the same histories: callers only read
// them.
func (r *Report) Packages() []*PackageHistory {
	if r.frozen != nil {
		return r.frozen
	}
	var out []*PackageHistory
	index := map[string]*PackageHistory{}
	groups := map[[2]string]*History{}
	for _, a := range r.Attempts {
		for _, p := range a.Packages {
			ph := index[p.ImportPath]
			if ph == nil {
				ph = &PackageHistory{ImportPath: p.ImportPath}
				index[p.ImportPath] = ph
				out = append(out, ph)
			}
			ph.Runs = append(ph.Runs, p)
			for _, g := range p.Groups {
				key := [2]string{p.ImportPath, g.Name}
				h := groups[key]
				if h == nil {
					h = &History{Package: p.ImportPath, Name: g.Name}
					groups[key] = h
					ph.Groups = append(ph.Groups, h)
				}
				h.Runs = append(h.Runs, g)
			}
		}
	}
	return out
}

// Counts are totals over the final state of a report.
type Counts struct {
	Tests, Passed, Flaky, Failed, Skipped, Errors int
	Groups, FailedGroups, FlakyGroups             int
	BuildFailures, NotRunPackages                 int
	// PackageFailures counts packages that failed outside any test
	// (TestMain exiting non-zero, an init panic, a crash before a test).
	PackageFailures int
	// Interrupted counts tests that did not finish because the run was
	// interrupted (they are not Errors: nothing crashed).
	Interrupted int
	Runs        int // go test rounds
}

// Counts totals the final attempt of every test.
func (r *Report) Counts() Counts {
	c := Counts{Runs: len(r.Attempts)}
	for _, ph := range r.Packages() {
		if ph.Final().Status == PackageBuildFailed {
			c.BuildFailures++
		}
		if ph.Final().Status == PackageNotRun {
			c.NotRunPackages++
		}
		if f := ph.Final(); f.FailedWithoutTest() || (f.Status == PackageIncomplete && len(f.Groups) == 0) {
			c.PackageFailures++
		}
		groups, tests := ph.compacted()
		c.Groups += groups
		c.Tests += tests
		c.Passed += tests
		for _, h := range ph.Groups {
			c.Groups++
			if h.Status().Failed() {
				c.FailedGroups++
			}
			flaky := h.Flaky()
			if flaky {
				c.FlakyGroups++
			}
			for _, t := range h.FinalTests() {
				c.Tests++
				switch t.Status {
				case Pass:
					c.Passed++
					if flaky {
						c.Flaky++
					}
				case Skip:
					c.Skipped++
				case Fail:
					c.Failed++
				case Interrupted:
					c.Interrupted++
				default:
					c.Errors++
				}
			}
		}
	}
	return c
}

// compacted counts the groups Compact dropped from the package's runs,
// each once: a group dropped from one run that ran again later (a package
// run twice in one stream) counts in its last run only.
func (p *PackageHistory) compacted() (groups, tests int) {
	if len(p.Runs) == 1 {
		return p.Runs[0].Compacted.Groups, p.Runs[0].Compacted.Tests
	}
	seen := map[string]bool{}
	for _, h := range p.Groups {
		seen[h.Name] = true
	}
	for i := len(p.Runs) - 1; i >= 0; i-- {
		for g := range p.Runs[i].CompactedGroups {
			if !seen[g.Name] {
				seen[g.Name] = true
				groups++
				tests += g.Tests
			}
		}
	}
	return groups, tests
}

// ClampedElapsed counts the events of every attempt whose Elapsed was out
// of range, and returns the first such value.
func (r *Report) ClampedElapsed() (n int, first float64) {
	for _, a := range r.Attempts {
		if a.ClampedElapsed > 0 && n == 0 {
			first = a.FirstClamped
		}
		n += a.ClampedElapsed
	}
	return n, first
}

// Failed reports whether the run as a whole failed.
func (r *Report) Failed() bool { return r.FailedIgnoring(nil) }

// FailedIgnoring is Failed with the failures of the groups ignore names
// left out (see PackageHistory.FailedIgnoring).
func (r *Report) FailedIgnoring(ignore func(pkg, group string) bool) bool {
	for _, ph := range r.Packages() {
		if ph.FailedIgnoring(ignore) {
			return true
		}
	}
	return false
}

// HistoryOf returns the history of a package that ran once.
func HistoryOf(p *Package) *PackageHistory {
	r := &Report{Attempts: []*Attempt{{Number: p.Attempt, Packages: []*Package{p}}}}
	return r.Packages()[0]
}

package grouping

import "sort"

// Failures are the groups that did not pass at the end of a run, by
// package: what --last-failed runs next time.
type Failures map[string]*PackageFailures

// PackageFailures is one package's share of Failures.
type PackageFailures struct {
	// Groups are top-level test names that failed, crashed or never ran.
	Groups []string `json:"groups,omitempty"`
	// Whole is set when the package failed as a whole (did not build,
	// failed without a failing test): it reruns entirely.
	Whole bool `json:"whole,omitempty"`
	// Attempts is how many attempts of each group (and of the whole
	// package, under "") were made so far, so that a later run continues
	// the numbering.
	Attempts map[string]int `json:"attempts,omitempty"`
}

// SetAttempts records that n attempts of a group of pkg were made (an
// empty group: the whole package); the largest count wins.
func (f Failures) SetAttempts(pkg, group string, n int) {
	pf := f[pkg]
	if pf == nil || n <= pf.Attempts[group] {
		return
	}
	if pf.Attempts == nil {
		pf.Attempts = map[string]int{}
	}
	pf.Attempts[group] = n
}

// AttemptsMade returns the most attempts made of any group the reruns
// select: the attempt number a run of them continues from.
func (f Failures) AttemptsMade(reruns []Rerun) int {
	n := 0
	for _, r := range reruns {
		pf := f[r.Package]
		if pf == nil {
			continue
		}
		names := r.Run
		if len(names) == 0 {
			names = []string{""}
		}
		for _, g := range names {
			n = max(n, pf.Attempts[g])
		}
	}
	return n
}

// Add records a failed group of pkg; an empty group marks the whole package.
func (f Failures) Add(pkg, group string) {
	pf := f[pkg]
	if pf == nil {
		pf = &PackageFailures{}
		f[pkg] = pf
	}
	if group == "" {
		pf.Whole = true
		return
	}
	for _, g := range pf.Groups {
		if g == group {
			return
		}
	}
	pf.Groups = append(pf.Groups, group)
}

// Failures returns what did not pass at the end of the report.
func (r *Report) Failures() Failures {
	f := Failures{}
	for _, ph := range r.Packages() {
		final := ph.Final()
		if final.Status == PackageBuildFailed {
			f.Add(ph.ImportPath, "")
			continue
		}
		for _, h := range ph.Groups {
			if h.Status().Failed() {
				f.Add(ph.ImportPath, h.Name)
				f.SetAttempts(ph.ImportPath, h.Name, h.Final().Attempt)
			}
		}
		if final.FailedWithoutTest() || final.Status == PackageIncomplete || final.Status == PackageNotRun {
			f.Add(ph.ImportPath, "")
			f.SetAttempts(ph.ImportPath, "", final.Attempt)
		}
	}
	return f
}

// Update folds the outcome of a run into earlier failures, as pytest's
// cache does: groups and packages that ran and passed are removed, new
// failures are added, and entries this run did not touch are kept.
func (f Failures) Update(r *Report) Failures {
	out := Failures{}
	ran := map[string]*PackageHistory{}
	for _, ph := range r.Packages() {
		ran[ph.ImportPath] = ph
	}
	for pkg, pf := range f {
		ph := ran[pkg]
		if pf.Whole && ph == nil {
			out.Add(pkg, "")
			out.SetAttempts(pkg, "", pf.Attempts[""])
		}
		for _, g := range pf.Groups {
			if ph == nil || !groupRan(ph, g) {
				out.Add(pkg, g)
				out.SetAttempts(pkg, g, pf.Attempts[g])
			}
		}
	}
	for pkg, pf := range r.Failures() {
		if pf.Whole {
			out.Add(pkg, "")
		}
		for _, g := range pf.Groups {
			out.Add(pkg, g)
		}
		for g, n := range pf.Attempts {
			out.SetAttempts(pkg, g, n)
		}
	}
	return out
}

func groupRan(ph *PackageHistory, name string) bool {
	for _, h := range ph.Groups {
		if h.Name == name {
			return true
		}
	}
	return false
}

// Packages returns the packages with failures, sorted.
func (f Failures) Packages() []string {
	var out []string
	for p := range f {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Reruns turns the failures of the given packages into the processes that
// run them: anchored -run of the failed groups, or the whole package.
// A nil keep keeps every package.
func (f Failures) Reruns(keep func(pkg string) bool) []Rerun {
	var out []Rerun
	for _, pkg := range f.Packages() {
		if keep != nil && !keep(pkg) {
			continue
		}
		pf := f[pkg]
		if pf.Whole {
			out = append(out, Rerun{Package: pkg})
			continue
		}
		if len(pf.Groups) > 0 {
			out = append(out, Rerun{Package: pkg, Run: pf.Groups})
		}
	}
	return out
}

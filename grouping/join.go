package grouping

import "slices"

// JoinAttempts joins the attempts of the --workers processes of one round
// (all with the same number) into the attempt one process would have
// given: a package split over workers becomes one package whose groups are
// the workers' groups, ordered by rank (the go test -list order; groups
// rank does not know keep their place after the known ones).
func JoinAttempts(rank map[string]map[string]int, parts ...*Attempt) *Attempt {
	if len(parts) == 1 {
		return parts[0]
	}
	out := &Attempt{Number: parts[0].Number}
	var order []string
	byPath := map[string][]*Package{}
	for _, a := range parts {
		out.Output = append(out.Output, a.Output...)
		out.ClampedElapsed += a.ClampedElapsed
		if out.FirstClamped == 0 {
			out.FirstClamped = a.FirstClamped
		}
		for _, p := range a.Packages {
			if byPath[p.ImportPath] == nil {
				order = append(order, p.ImportPath)
			}
			byPath[p.ImportPath] = append(byPath[p.ImportPath], p)
		}
	}
	for _, path := range order {
		out.Packages = append(out.Packages, JoinPackages(rank[path], byPath[path]...))
	}
	return out
}

// JoinPackages joins the parts of one package that --workers processes
// ran, as if one process had run them all: it failed if a part failed (a
// build failure first), passed if every part that ran passed; it took as
// long as its slowest part; its binary completed if every part's did.
// The parts are not changed; a single part is returned as it is.
func JoinPackages(rank map[string]int, parts ...*Package) *Package {
	if len(parts) == 1 {
		return parts[0]
	}
	first := parts[0]
	p := &Package{ImportPath: first.ImportPath, Attempt: first.Attempt, Status: PackageNotRun,
		Completed: true, Cached: true, NoTests: true,
		groups: map[string]*Group{}, tests: map[string]*Test{}}
	for _, part := range parts {
		p.Status = joinStatus(p.Status, part.Status)
		if part.Status == PackageBuildFailed && p.BuildOutput == "" {
			p.BuildOutput = part.BuildOutput
		}
		p.Elapsed = max(p.Elapsed, part.Elapsed)
		if part.ended.After(p.ended) {
			p.ended = part.ended
		}
		p.Output = append(p.Output, part.Output...)
		if part.Coverage != "" {
			p.Coverage = part.Coverage
		}
		if part.ShuffleSeed != "" {
			p.ShuffleSeed = part.ShuffleSeed
		}
		p.Completed = p.Completed && part.Completed
		p.Panicked = p.Panicked || part.Panicked
		p.Interrupted = p.Interrupted || part.Interrupted
		p.Cached = p.Cached && part.Cached
		p.NoTests = p.NoTests && part.NoTests
		p.Compacted.Groups += part.Compacted.Groups
		p.Compacted.Tests += part.Compacted.Tests
		names, sizes := part.compactedLists()
		p.Compacted.names = append(p.Compacted.names, names...)
		p.Compacted.sizes = append(p.Compacted.sizes, sizes...)
		for _, g := range part.Groups {
			if p.groups[g.Name] != nil {
				continue // dealt to one worker only; a second copy is not counted twice
			}
			p.groups[g.Name] = g
			p.Groups = append(p.Groups, g)
			for _, t := range g.Tests {
				p.tests[t.Name] = t
			}
		}
	}
	if len(rank) > 0 {
		slices.SortStableFunc(p.Groups, func(a, b *Group) int {
			return rankOf(rank, a.Name) - rankOf(rank, b.Name)
		})
	}
	return p
}

func rankOf(rank map[string]int, name string) int {
	if r, ok := rank[name]; ok {
		return r
	}
	return len(rank)
}

// joinStatus is the status of a package two parts of which ended with a
// and b.
func joinStatus(a, b PackageStatus) PackageStatus {
	for _, s := range []PackageStatus{PackageBuildFailed, PackageFail, PackageIncomplete, PackagePass, PackageSkip} {
		if a == s || b == s {
			return s
		}
	}
	return PackageNotRun
}

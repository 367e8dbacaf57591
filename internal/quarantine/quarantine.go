// Package quarantine says which groups are quarantined: they still run
// and are reported, but their failures do not fail the run, while they
// are being fixed.
package quarantine

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/file/inputfile"
	"github.com/gorerun/gorerun/internal/output/history"
)

// ReleaseAfter is how many runs in a row a quarantined group must pass at
// its first attempt before gorerun flaky names it a candidate to release.
const ReleaseAfter = 20

// List is a set of quarantined groups: patterns, and groups named exactly.
type List struct {
	patterns [][2]string // package, group (path.Match; a package ending in /... matches below it)
	exact    map[[2]string]bool
}

// ReadFile reads a quarantine file: one "package TestGroup" a line (both
// may be patterns: * in a name, /... at the end of a package), "#" or
// "//" comments, blank lines ignored.
func ReadFile(name string) (*List, error) {
	b, err := inputfile.Read(name, inputfile.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("--quarantine: %w", err)
	}
	l := &List{exact: map[[2]string]bool{}}
	// The file is in memory: its lines are split there, whatever their
	// length (a scanner stops at 64 KiB with an error naming neither the
	// flag nor the file).
	for n, raw := range bytes.Split(b, []byte("\n")) {
		n++
		line := strings.TrimSuffix(string(raw), "\r")
		for _, c := range []string{"#", "//"} {
			if i := strings.Index(line, c); i >= 0 && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
				line = line[:i]
			}
		}
		fields := strings.Fields(line)
		switch len(fields) {
		case 0:
			continue
		case 2:
		default:
			return nil, fmt.Errorf("--quarantine %s:%d: want \"package TestGroup\", got %.80q", name, n, strings.TrimSpace(line))
		}
		for _, f := range fields {
			if _, err := path.Match(strings.TrimSuffix(f, "/..."), ""); err != nil {
				return nil, fmt.Errorf("--quarantine %s:%d: bad pattern %q: %w", name, n, f, err)
			}
		}
		l.patterns = append(l.patterns, [2]string{fields[0], fields[1]})
	}
	return l, nil
}

// Add quarantines one group by name (--quarantine-auto).
func (l *List) Add(pkg, group string) {
	if l.exact == nil {
		l.exact = map[[2]string]bool{}
	}
	l.exact[[2]string{pkg, group}] = true
}

// AddFlaky quarantines the groups of the history (--quarantine-auto)
// whose flake rate is above rate over at least minRuns runs: a rate equal
// to the threshold is not above it.
func (l *List) AddFlaky(stats []history.Stat, rate float64, minRuns int) {
	for _, s := range stats {
		if s.Runs >= minRuns && s.Rate > rate {
			l.Add(s.Package, s.Group)
		}
	}
}

// Has reports whether the group is quarantined.
func (l *List) Has(pkg, group string) bool {
	if l == nil {
		return false
	}
	if l.exact[[2]string{pkg, group}] {
		return true
	}
	for _, p := range l.patterns {
		if matchPackage(p[0], pkg) {
			if ok, _ := path.Match(p[1], group); ok {
				return true
			}
		}
	}
	return false
}

// Len counts the entries.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return len(l.patterns) + len(l.exact)
}

func matchPackage(pattern, pkg string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == prefix || strings.HasPrefix(pkg, prefix+"/")
	}
	ok, _ := path.Match(pattern, pkg)
	return ok
}

// Failed reports whether the report fails the run when the quarantined
// groups' failures do not count: a group that is not quarantined ends
// failed, or a package failed outside its groups (a build failure, TestMain).
func (l *List) Failed(r *grouping.Report) bool { return r.FailedIgnoring(l.Has) }

// Package shard splits packages over CI machines: deterministically, with
// every package in exactly one shard, balanced by recorded durations when
// there are any (longest first onto the lightest shard), by count
// otherwise.
package shard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gorerun/gorerun/internal/file/inputfile"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/gorerun/gorerun/internal/runner/deal"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/testjson"
)

// MaxShards is the most shards a split may have.
const MaxShards = 10000

// Spec is one shard of a split: K of N, 1-based.
type Spec struct{ K, N int }

// ParseSpec parses "K/N".
func ParseSpec(s string) (Spec, error) {
	k, n, ok := strings.Cut(s, "/")
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || ni < 1 || ki < 1 || ki > ni {
		return Spec{}, fmt.Errorf("%q is not a shard K/N with 1 <= K <= N (e.g. 2/4)", s)
	}
	if ni > MaxShards {
		return Spec{}, fmt.Errorf("%q: at most %d shards", s, MaxShards)
	}
	return Spec{K: ki, N: ni}, nil
}

func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// Shard is one shard of a plan.
type Shard struct {
	Index    int           `json:"index"` // 1-based
	Packages []string      `json:"packages"`
	Estimate time.Duration `json:"-"`
	Seconds  float64       `json:"estimated_seconds"`
}

// Plan splits pkgs into n shards. With timings, packages go longest first
// onto the shard with the least time so far (ties: the lower index);
// packages without a timing count as the median of the known ones. Without
// timings, packages are dealt out in sorted order, so shard sizes differ by
// at most one. The result does not depend on the order of pkgs.
//
// Only shards that get packages are returned: shards 1 to min(n, packages);
// with more shards than packages the rest are empty (see Packages). Memory
// is proportional to the packages, never to n.
func Plan(pkgs []string, n int, timings map[string]time.Duration) []Shard {
	sorted := append([]string(nil), pkgs...)
	sort.Strings(sorted)
	sorted = dedupe(sorted)
	buckets, est := deal.Split(sorted, n, timings)
	shards := make([]Shard, len(buckets))
	for i, b := range buckets {
		sort.Strings(b)
		shards[i] = Shard{Index: i + 1, Packages: b, Estimate: est[i],
			Seconds: float64(est[i].Milliseconds()) / 1000}
	}
	return shards
}

// Packages returns shard k's packages (1-based); shards past the plan's
// length are empty.
func Packages(plan []Shard, k int) []string {
	if k < 1 || k > len(plan) {
		return []string{}
	}
	return plan[k-1].Packages
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, p := range sorted {
		if i == 0 || p != sorted[i-1] {
			out = append(out, p)
		}
	}
	return out
}

// ReadTimings reads package durations from JUnit reports (testsuite name
// and time) and go test -json / --jsonfile streams (the package's pass or
// fail event). A package seen in several files or attempts adds up.
func ReadTimings(files []string) (map[string]time.Duration, error) {
	return readTimings(files, junitTimings, streamTimings)
}

// ReadGroupTimings reads group durations (keys: deal.Key(package, group))
// from the same files: a JUnit report's top-level testcases, a stream's
// top-level tests' pass, fail and skip events. A group seen more than once
// (several attempts or files) counts with its longest time.
func ReadGroupTimings(files []string) (map[string]time.Duration, error) {
	return readTimings(files, junitGroupTimings, streamGroupTimings)
}

func readTimings(files []string, junit, stream func([]byte, map[string]time.Duration) error) (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for _, f := range files {
		b, err := inputfile.Read(f, inputfile.MaxSize)
		if err != nil {
			return nil, err
		}
		if junitout.IsReport(b) {
			err = junit(b, out)
		} else {
			err = stream(b, out)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	return out, nil
}

func junitGroupTimings(b []byte, out map[string]time.Duration) error {
	suites, err := junitout.ReadSuites(b)
	if err != nil {
		return err
	}
	for _, s := range suites {
		for _, tc := range s.Testcases {
			group := tc.Name
			if g, ok := strings.CutPrefix(tc.Classname, s.Name+"."); ok {
				group = g // --junitfile-testcase-classname group: pkg.TestX
			}
			if tc.Name != group || strings.Contains(group, "/") {
				continue // a subtest: its group's time holds it
			}
			f, err := strconv.ParseFloat(strings.ReplaceAll(tc.Time, ",", ""), 64)
			if err != nil || f < 0 {
				continue
			}
			keepLongest(out, deal.Key(s.Name, group), time.Duration(f*float64(time.Second)))
		}
	}
	return nil
}

// streamGroupTimings reads each group's wall-clock span: from its
// top-level test's run event to the last end of its tests (see
// grouping.Group.Wall), or its Elapsed where the events have no times.
func streamGroupTimings(b []byte, out map[string]time.Duration) error {
	type span struct{ start, last time.Time }
	open := map[string]*span{}
	return scanStream(b, func(ev *testjson.Event) {
		if ev.Test == "" {
			return
		}
		top, _, isSub := strings.Cut(ev.Test, "/")
		key := deal.Key(ev.Package, top)
		ended := ev.Action == testjson.ActionPass || ev.Action == testjson.ActionFail || ev.Action == testjson.ActionSkip
		sp := open[key]
		switch {
		case !isSub && ev.Action == testjson.ActionRun:
			open[key] = &span{start: ev.Time}
			return
		case !ended:
			return
		case sp == nil:
			sp = &span{} // no run event: the Elapsed alone
		}
		if ev.Time.After(sp.last) {
			sp.last = ev.Time
		}
		if isSub {
			open[key] = sp
			return
		}
		d, _ := ev.ElapsedDuration()
		if !sp.start.IsZero() && sp.last.After(sp.start) {
			d = max(d, sp.last.Sub(sp.start))
		}
		keepLongest(out, key, d)
		delete(open, key)
	})
}

func keepLongest(out map[string]time.Duration, key string, d time.Duration) {
	if old, ok := out[key]; !ok || d > old {
		out[key] = d
	}
}

func junitTimings(b []byte, out map[string]time.Duration) error {
	suites, err := junitout.ReadSuites(b)
	if err != nil {
		return err
	}
	for _, s := range suites {
		f, err := strconv.ParseFloat(strings.ReplaceAll(s.Time, ",", ""), 64)
		if err != nil || s.Name == "" {
			continue
		}
		out[s.Name] += time.Duration(f * float64(time.Second))
	}
	return nil
}

func streamTimings(b []byte, out map[string]time.Duration) error {
	return scanStream(b, func(ev *testjson.Event) {
		if ev.Test == "" && ev.Package != "" && (ev.Action == testjson.ActionPass || ev.Action == testjson.ActionFail) {
			d, _ := ev.ElapsedDuration()
			out[ev.Package] += d
		}
	})
}

// scanStream calls each for every event of a go test -json stream.
func scanStream(b []byte, each func(*testjson.Event)) error {
	d := testjson.NewDecoder(bytes.NewReader(b))
	for d.Scan() {
		each(d.Event())
	}
	if d.Err() != nil {
		return d.Err()
	}
	if d.Events() == 0 {
		return errors.New("neither a JUnit report nor a go test -json stream")
	}
	return nil
}

// Select returns shard spec's packages among pkgs (as go list names them),
// balanced by the durations in timingFiles, and a line saying so.
func Select(spec string, timingFiles []string, pkgs []string) ([]string, string, error) {
	s, err := ParseSpec(spec)
	if err != nil {
		return nil, "", fmt.Errorf("--shard: %w", err)
	}
	plan, err := PlanWithTimings(pkgs, s.N, timingFiles)
	if err != nil {
		return nil, "", err
	}
	mine := Packages(plan, s.K)
	return mine, fmt.Sprintf("shard %s: %d of %d packages", s, len(mine), len(pkgs)), nil
}

// GroupUnits names the units --shard-by group splits: each group of a
// listed package (deal.Key), and each package that has no group or could
// not be listed, whole (its import path).
func GroupUnits(list []runner.PackageGroups) []string {
	var units []string
	for _, pg := range list {
		if !pg.Listed || len(pg.Groups) == 0 {
			units = append(units, pg.Package)
			continue
		}
		for _, g := range pg.Groups {
			units = append(units, deal.Key(pg.Package, g))
		}
	}
	return units
}

// SelectGroups returns shard spec's part of list: whole groups (and whole
// packages that have none), in go test's order, balanced by timings (by
// deal.Key), and a line saying so.
func SelectGroups(spec string, list []runner.PackageGroups, timings map[string]time.Duration) ([]runner.PackageGroups, string, error) {
	s, err := ParseSpec(spec)
	if err != nil {
		return nil, "", fmt.Errorf("--shard: %w", err)
	}
	units := GroupUnits(list)
	mine := map[string]bool{}
	for _, u := range Packages(Plan(units, s.N, timings), s.K) {
		mine[u] = true
	}
	var out []runner.PackageGroups
	groups := 0
	for _, pg := range list {
		if mine[pg.Package] {
			out = append(out, runner.PackageGroups{Package: pg.Package})
			continue
		}
		sel := runner.PackageGroups{Package: pg.Package, Listed: true}
		for _, g := range pg.Groups {
			if mine[deal.Key(pg.Package, g)] {
				sel.Groups = append(sel.Groups, g)
			}
		}
		if len(sel.Groups) > 0 {
			groups += len(sel.Groups)
			out = append(out, sel)
		}
	}
	return out, fmt.Sprintf("shard %s by group: %d of %d units (%d groups) in %d packages", s, len(mine), len(units), groups, len(out)), nil
}

// PlanWithTimings is Plan with durations read from timingFiles (none: by
// count).
func PlanWithTimings(pkgs []string, n int, timingFiles []string) ([]Shard, error) {
	var timings map[string]time.Duration
	if len(timingFiles) > 0 {
		var err error
		if timings, err = ReadTimings(timingFiles); err != nil {
			return nil, fmt.Errorf("--shard-timings: %w", err)
		}
	}
	return Plan(pkgs, n, timings), nil
}

// WritePlan prints a plan of n shards for total packages: as text, one
// shard and its packages after another, with the shards past the packages
// in one line; or, asJSON, as a list for a CI matrix with every shard.
func WritePlan(w io.Writer, plan []Shard, n, total int, timingFiles []string, asJSON bool) error {
	if asJSON {
		return writeJSON(w, plan, n, false)
	}
	fmt.Fprintf(w, "%d packages in %d shards", total, n)
	if len(timingFiles) > 0 {
		fmt.Fprintf(w, ", balanced by %s", strings.Join(timingFiles, ", "))
	}
	fmt.Fprintln(w)
	for _, s := range plan {
		est := ""
		if len(timingFiles) > 0 {
			est = fmt.Sprintf(", ~%.1fs", s.Seconds)
		}
		fmt.Fprintf(w, "shard %d/%d (%d packages%s):\n", s.Index, n, len(s.Packages), est)
		for _, p := range s.Packages {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	switch empty := n - len(plan); {
	case empty == 1:
		fmt.Fprintf(w, "shard %d/%d: no packages (more shards than packages)\n", n, n)
	case empty > 1:
		fmt.Fprintf(w, "shards %d/%d to %d/%d: no packages (more shards than packages)\n", len(plan)+1, n, n, n)
	}
	return nil
}

// WriteGroupPlan prints a --shard-by group plan of n shards over units
// (GroupUnits): as text, each shard's estimated time and groups; or, as
// JSON for a CI matrix, each shard with its packages and groups
// ("package TestName"; a package that runs whole is listed only among the
// packages).
func WriteGroupPlan(w io.Writer, plan []Shard, n, total int, timed bool, asJSON bool) error {
	if asJSON {
		return writeJSON(w, plan, n, true)
	}
	fmt.Fprintf(w, "%d groups and packages in %d shards, whole groups on one shard", total, n)
	if timed {
		fmt.Fprint(w, ", balanced by recorded durations")
	}
	fmt.Fprintln(w)
	for _, s := range plan {
		est := ""
		if timed {
			est = fmt.Sprintf(", ~%.1fs", s.Seconds)
		}
		fmt.Fprintf(w, "shard %d/%d (%d units%s):\n", s.Index, n, len(s.Packages), est)
		for _, u := range s.Packages {
			fmt.Fprintf(w, "  %s\n", u)
		}
	}
	if empty := n - len(plan); empty > 0 {
		fmt.Fprintf(w, "%d shard(s) get nothing (more shards than groups)\n", empty)
	}
	return nil
}

// writeJSON prints a plan as a list of every shard for a CI matrix. With
// byGroup the plan's units are groups ("package TestName") or whole
// packages: each shard lists the packages it touches and its groups.
func writeJSON(w io.Writer, plan []Shard, n int, byGroup bool) error {
	type entry struct {
		Shard    string   `json:"shard"`
		Packages []string `json:"packages"`
		Groups   []string `json:"groups,omitempty"`
		Seconds  float64  `json:"estimated_seconds"`
	}
	out := []entry{}
	for k := 1; k <= n; k++ {
		e := entry{Shard: fmt.Sprintf("%d/%d", k, n), Packages: Packages(plan, k)}
		if byGroup {
			e.Packages, e.Groups = []string{}, []string{}
			seen := map[string]bool{}
			for _, u := range Packages(plan, k) {
				pkg, _, isGroup := strings.Cut(u, " ")
				if isGroup {
					e.Groups = append(e.Groups, u)
				}
				if !seen[pkg] {
					seen[pkg] = true
					e.Packages = append(e.Packages, pkg)
				}
			}
		}
		if k <= len(plan) {
			e.Seconds = plan[k-1].Seconds
		}
		out = append(out, e)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

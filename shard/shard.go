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

	"github.com/gorerun/gorerun/internal/inputfile"
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
	n = min(n, len(sorted))
	shards := make([]Shard, n)
	for i := range shards {
		shards[i].Index = i + 1
		shards[i].Packages = []string{}
	}
	known := 0
	for _, p := range sorted {
		if _, ok := timings[p]; ok {
			known++
		}
	}
	if known == 0 {
		for i, p := range sorted {
			shards[i%n].Packages = append(shards[i%n].Packages, p)
		}
		return shards
	}
	med := median(timings, sorted)
	type item struct {
		pkg string
		d   time.Duration
	}
	items := make([]item, len(sorted))
	for i, p := range sorted {
		d, ok := timings[p]
		if !ok {
			d = med
		}
		items[i] = item{p, d}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].d > items[j].d })
	for _, it := range items {
		best := 0
		for i := range shards {
			if shards[i].Estimate < shards[best].Estimate {
				best = i
			}
		}
		shards[best].Packages = append(shards[best].Packages, it.pkg)
		shards[best].Estimate += it.d
	}
	for i := range shards {
		sort.Strings(shards[i].Packages)
		shards[i].Seconds = float64(shards[i].Estimate.Milliseconds()) / 1000
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

func median(timings map[string]time.Duration, pkgs []string) time.Duration {
	var ds []time.Duration
	for _, p := range pkgs {
		if d, ok := timings[p]; ok {
			ds = append(ds, d)
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	if len(ds) == 0 {
		return 0
	}
	if len(ds)%2 == 1 {
		return ds[len(ds)/2]
	}
	return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
}

// ReadTimings reads package durations from JUnit reports (testsuite name
// and time) and go test -json / --jsonfile streams (the package's pass or
// fail event). A package seen in several files or attempts adds up.
func ReadTimings(files []string) (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for _, f := range files {
		b, err := inputfile.Read(f, inputfile.MaxSize)
		if err != nil {
			return nil, err
		}
		trimmed := bytes.TrimLeft(b, " \t\r\n\ufeff")
		if len(trimmed) > 0 && trimmed[0] == '<' {
			err = junitTimings(b, out)
		} else {
			err = streamTimings(b, out)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	return out, nil
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
	d := testjson.NewDecoder(bytes.NewReader(b))
	for d.Scan() {
		ev := d.Event()
		if ev.Test == "" && ev.Package != "" && (ev.Action == testjson.ActionPass || ev.Action == testjson.ActionFail) {
			d, _ := ev.ElapsedDuration()
			out[ev.Package] += d
		}
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
		type entry struct {
			Shard    string   `json:"shard"`
			Packages []string `json:"packages"`
			Seconds  float64  `json:"estimated_seconds"`
		}
		out := []entry{}
		for k := 1; k <= n; k++ {
			e := entry{Shard: fmt.Sprintf("%d/%d", k, n), Packages: Packages(plan, k)}
			if k <= len(plan) {
				e.Seconds = plan[k-1].Seconds
			}
			out = append(out, e)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
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

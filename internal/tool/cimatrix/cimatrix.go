// Package cimatrix writes a GitHub Actions matrix that splits packages
// over CI jobs by their earlier run times, in the format of gotestsum's
// "tool ci-matrix": {"include":[{"id":0,"estimatedRuntime":"1m2s",
// "packages":"a b","description":"0 - a and 1 others"}]}.
package cimatrix

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/gorerun/gorerun/testjson"
)

// Timings reads the packages' run times from go test -json streams: each
// stream's time of each package (its last pass or fail event).
func Timings(streams []io.Reader) (map[string][]time.Duration, error) {
	out := map[string][]time.Duration{}
	for _, r := range streams {
		last := map[string]time.Duration{}
		d := testjson.NewDecoder(r)
		for d.Scan() {
			ev := d.Event()
			if ev.Test == "" && ev.Package != "" && (ev.Action == testjson.ActionPass || ev.Action == testjson.ActionFail) {
				last[ev.Package] = time.Duration(ev.Elapsed*1000) * time.Millisecond
			}
		}
		if err := d.Err(); err != nil {
			return nil, err
		}
		for pkg, d := range last {
			out[pkg] = append(out[pkg], d)
		}
	}
	return out, nil
}

// Percentile85 is each package's 85th percentile run time, as gotestsum
// estimates a package from several runs.
func Percentile85(timing map[string][]time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	for pkg, times := range timing {
		sorted := append([]time.Duration(nil), times...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		r := int(math.Ceil(0.85 * float64(len(sorted))))
		out[pkg] = sorted[max(r-1, 0)]
	}
	return out
}

// Bucket is one job of the matrix.
type Bucket struct {
	Total    time.Duration
	Packages []string
}

// Split deals packages into n buckets, longest first onto the bucket with
// the least time (ties: fewer packages, then the lower index).
func Split(timing map[string]time.Duration, packages []string, n int) []Bucket {
	pkgs := append([]string(nil), packages...)
	sort.SliceStable(pkgs, func(i, j int) bool { return timing[pkgs[i]] > timing[pkgs[j]] })
	buckets := make([]Bucket, n)
	for _, pkg := range pkgs {
		best := 0
		for i, b := range buckets {
			if b.Total < buckets[best].Total || (b.Total == buckets[best].Total && len(b.Packages) < len(buckets[best].Packages)) {
				best = i
			}
		}
		buckets[best].Total += timing[pkg]
		buckets[best].Packages = append(buckets[best].Packages, pkg)
	}
	return buckets
}

// Write prints the matrix as one line of JSON; rel shortens package paths
// in the descriptions (relative to the module, as gotestsum).
func Write(w io.Writer, buckets []Bucket, rel func(string) string) error {
	type partition struct {
		ID               int    `json:"id"`
		EstimatedRuntime string `json:"estimatedRuntime"`
		Packages         string `json:"packages"`
		Description      string `json:"description"`
	}
	m := struct {
		Include []partition `json:"include"`
	}{Include: make([]partition, len(buckets))}
	for i, b := range buckets {
		p := partition{ID: i, EstimatedRuntime: b.Total.String(), Packages: strings.Join(b.Packages, " ")}
		if len(b.Packages) > 0 {
			extra := ""
			if len(b.Packages) > 1 {
				extra = fmt.Sprintf(" and %d others", len(b.Packages)-1)
			}
			p.Description = fmt.Sprintf("%d - %s%s", i, rel(b.Packages[0]), extra)
		}
		m.Include[i] = p
	}
	return json.NewEncoder(w).Encode(m)
}

// Package deal splits units of work (test groups, packages) into buckets
// for workers or CI shards: balanced by recorded durations, longest first,
// or round-robin without them. It has no other job.
package deal

import (
	"sort"
	"time"
)

// Split splits units (groups, or packages) into at most n buckets, each
// keeping the units in their given order. With timings, units go longest
// first onto the bucket with the least time so far (ties: the one with fewer
// units, then the lower index), units without a timing counting as the median of the known
// ones: the longest bucket then exceeds the shortest by at most the
// longest unit. Without timings, units are dealt round-robin. Buckets that
// get no unit are left out; each bucket's estimate is returned with it.
func Split(units []string, n int, timings map[string]time.Duration) ([][]string, []time.Duration) {
	n = min(n, len(units))
	if n < 1 {
		return nil, nil
	}
	buckets := make([][]string, n)
	est := make([]time.Duration, n)
	known := 0
	for _, u := range units {
		if _, ok := timings[u]; ok {
			known++
		}
	}
	if known == 0 {
		for i, u := range units {
			buckets[i%n] = append(buckets[i%n], u)
		}
		return buckets, est
	}
	med := median(timings, units)
	idx := make([]int, len(units))
	dur := make([]time.Duration, len(units))
	for i, u := range units {
		idx[i] = i
		d, ok := timings[u]
		if !ok {
			d = med
		}
		dur[i] = d
	}
	sort.SliceStable(idx, func(a, b int) bool { return dur[idx[a]] > dur[idx[b]] })
	owner := make([]int, len(units))
	count := make([]int, n)
	for _, i := range idx {
		best := 0
		for b := range est {
			if est[b] < est[best] || (est[b] == est[best] && count[b] < count[best]) {
				best = b
			}
		}
		owner[i] = best
		est[best] += dur[i]
		count[best]++
	}
	for i, u := range units {
		buckets[owner[i]] = append(buckets[owner[i]], u)
	}
	return buckets, est
}

// median is the median of the known timings of units.
func median(timings map[string]time.Duration, units []string) time.Duration {
	var ds []time.Duration
	for _, u := range units {
		if d, ok := timings[u]; ok {
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

// Key names a group among the units dealt out and in the timings that
// balance them: its package's import path and its name, space-separated
// (neither holds a space).
func Key(pkg, group string) string { return pkg + " " + group }

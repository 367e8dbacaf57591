package deal

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func TestSplit(t *testing.T) {
	s := time.Second
	for _, tc := range []struct {
		name    string
		units   []string
		n       int
		timings map[string]time.Duration
		want    [][]string
	}{
		{"round-robin keeps the order", []string{"a", "b", "c", "d", "e"}, 2, nil, [][]string{{"a", "c", "e"}, {"b", "d"}}},
		{"more buckets than units", []string{"a", "b"}, 5, nil, [][]string{{"a"}, {"b"}}},
		{"no units", nil, 3, nil, nil},
		{"longest first onto the lightest", []string{"a", "b", "c", "d"}, 2,
			map[string]time.Duration{"a": 1 * s, "b": 5 * s, "c": 3 * s, "d": 2 * s},
			[][]string{{"a", "b"}, {"c", "d"}}}, // b, c, d, then a breaks the 5s tie by count
		{"unknown units count as the median", []string{"a", "b", "c"}, 2,
			map[string]time.Duration{"a": 4 * s, "b": 2 * s},
			[][]string{{"a"}, {"b", "c"}}},
		{"zero durations still spread", []string{"a", "b", "c", "d"}, 2,
			map[string]time.Duration{"a": 0, "b": 0, "c": 0, "d": 0},
			[][]string{{"a", "c"}, {"b", "d"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := Split(tc.units, tc.n, tc.timings)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Split = %v, want %v", got, tc.want)
			}
		})
	}
}

// With timings the longest bucket exceeds the shortest by at most the
// longest unit, and every unit lands in exactly one bucket.
func TestSplitSpreadAtMostTheLongestUnit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		units := make([]string, 1+rng.IntN(60))
		timings := map[string]time.Duration{}
		var longest time.Duration
		for i := range units {
			units[i] = fmt.Sprintf("u%d", i)
			d := time.Duration(rng.IntN(10_000)) * time.Millisecond
			timings[units[i]] = d
			longest = max(longest, d)
		}
		n := 1 + rng.IntN(8)
		buckets, est := Split(units, n, timings)
		seen := map[string]int{}
		for b, bucket := range buckets {
			var sum time.Duration
			for _, u := range bucket {
				seen[u]++
				sum += timings[u]
			}
			if sum != est[b] {
				t.Fatalf("trial %d: bucket %d estimate %v, sum %v", trial, b, est[b], sum)
			}
		}
		if len(seen) != len(units) {
			t.Fatalf("trial %d: %d of %d units dealt", trial, len(seen), len(units))
		}
		for u, c := range seen {
			if c != 1 {
				t.Fatalf("trial %d: %s dealt %d times", trial, u, c)
			}
		}
		lo, hi := est[0], est[0]
		for _, e := range est {
			lo, hi = min(lo, e), max(hi, e)
		}
		if hi-lo > longest {
			t.Fatalf("trial %d: spread %v exceeds the longest unit %v", trial, hi-lo, longest)
		}
	}
}

func TestKey(t *testing.T) {
	if got := Key("example.com/p", "TestX"); got != "example.com/p TestX" {
		t.Errorf("Key = %q", got)
	}
}

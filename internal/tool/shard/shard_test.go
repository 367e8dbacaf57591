package shard

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	type testCase struct {
		in   string
		want Spec
		ok   bool
	}
	run := func(t *testing.T, tc testCase) {
		got, err := ParseSpec(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseSpec(%q) = %v, %v", tc.in, got, err)
		}
	}
	for _, tc := range []testCase{{"1/3", Spec{1, 3}, true}, {"3/3", Spec{3, 3}, true}, {"0/3", Spec{}, false},
		{"4/3", Spec{}, false}, {"a/b", Spec{}, false}, {"2", Spec{}, false},
		{"1/10000", Spec{1, 10000}, true}, {"1/10001", Spec{}, false}, {"1/1000000000", Spec{}, false}} {
		t.Run(tc.in, func(t *testing.T) { run(t, tc) })
	}
}

func packages(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("example.com/m/pkg%03d", i))
	}
	return out
}

// synthetic timings: a long tail, as real suites have.
func timings(pkgs []string) map[string]time.Duration {
	r := rand.New(rand.NewPCG(3, 4))
	out := map[string]time.Duration{}
	for _, p := range pkgs {
		out[p] = time.Duration(100+r.ExpFloat64()*2000) * time.Millisecond
	}
	return out
}

func TestPlanCoversDisjointAndDeterministic(t *testing.T) {
	pkgs := packages(200)
	for _, tm := range []map[string]time.Duration{nil, timings(pkgs)} {
		for _, n := range []int{1, 3, 7} {
			a := Plan(pkgs, n, tm)
			shuffled := append([]string(nil), pkgs...)
			rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			b := Plan(shuffled, n, tm)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("n=%d: plan depends on input order", n)
			}
			seen := map[string]int{}
			for _, s := range a {
				for _, p := range s.Packages {
					seen[p]++
				}
			}
			if len(seen) != len(pkgs) {
				t.Fatalf("n=%d: %d packages covered, want %d", n, len(seen), len(pkgs))
			}
			for p, c := range seen {
				if c != 1 {
					t.Fatalf("n=%d: %s in %d shards", n, p, c)
				}
			}
		}
	}
}

func TestPlanBalance(t *testing.T) {
	pkgs := packages(200)
	tm := timings(pkgs)
	var total time.Duration
	for _, d := range tm {
		total += d
	}
	for _, n := range []int{2, 4, 8} {
		ideal := total / time.Duration(n)
		for _, s := range Plan(pkgs, n, tm) {
			if off := float64(s.Estimate-ideal) / float64(ideal); off > 0.10 || off < -0.10 {
				t.Errorf("n=%d shard %d: %v, ideal %v (%.1f%% off)", n, s.Index, s.Estimate, ideal, off*100)
			}
		}
	}
	// Without timings: by count, sizes differ by at most one.
	for _, s := range Plan(pkgs, 3, nil) {
		if l := len(s.Packages); l != 66 && l != 67 {
			t.Errorf("shard %d has %d packages", s.Index, l)
		}
	}
}

func TestPlanUnknownPackagesGetTheMedian(t *testing.T) {
	tm := map[string]time.Duration{"a": time.Second, "b": 3 * time.Second, "c": 5 * time.Second}
	plan := Plan([]string{"a", "b", "c", "new"}, 2, tm)
	var total time.Duration
	for _, s := range plan {
		total += s.Estimate
	}
	if total != 12*time.Second {
		t.Errorf("total %v: the new package did not count as the median (3s)", total)
	}
}

func TestReadTimings(t *testing.T) {
	dir := t.TempDir()
	junit := filepath.Join(dir, "r.xml")
	if err := os.WriteFile(junit, []byte(`<testsuites><testsuite name="m/a" time="1.500" tests="0" failures="0" errors="0"/><testsuite name="m/b" time="0.25" tests="0" failures="0" errors="0"/></testsuites>`), 0o644); err != nil {
		t.Fatal(err)
	}
	stream := filepath.Join(dir, "e.jsonl")
	if err := os.WriteFile(stream, []byte(`{"Action":"pass","Package":"m/a","Elapsed":0.5}
{"Attempt":2,"Action":"fail","Package":"m/c","Elapsed":2}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTimings([]string{junit, stream})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Duration{"m/a": 2 * time.Second, "m/b": 250 * time.Millisecond, "m/c": 2 * time.Second}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTimings([]string{bad}); err == nil {
		t.Error("garbage accepted as timings")
	}
}

func TestMoreShardsThanPackages(t *testing.T) {
	for _, tm := range []map[string]time.Duration{nil, {"b": time.Second}} {
		plan := Plan([]string{"c", "a", "b"}, MaxShards, tm)
		if len(plan) != 3 {
			t.Fatalf("plan has %d shards, want only the 3 that get packages", len(plan))
		}
		seen := map[string]bool{}
		for k := 1; k <= MaxShards; k++ {
			for _, p := range Packages(plan, k) {
				if seen[p] {
					t.Errorf("%s in two shards", p)
				}
				seen[p] = true
			}
		}
		if len(seen) != 3 || len(Packages(plan, 4)) != 0 || Packages(plan, MaxShards) == nil {
			t.Errorf("packages %v, shard 4 %v", seen, Packages(plan, 4))
		}
	}
}

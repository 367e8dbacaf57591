package shard

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gorerun/gorerun/internal/runner"
)

func TestReadGroupTimings(t *testing.T) {
	dir := t.TempDir()
	junit := filepath.Join(dir, "r.xml")
	os.WriteFile(junit, []byte(`<testsuites><testsuite name="m/a" tests="3" failures="0" errors="0" time="9">
<testcase name="TestA" classname="m/a" time="4.5"></testcase>
<testcase name="TestA/step" classname="m/a" time="4"></testcase>
<testcase name="TestB" classname="m/a.TestB" time="1"></testcase>
</testsuite></testsuites>`), 0o644)
	stream := filepath.Join(dir, "s.jsonl")
	os.WriteFile(stream, []byte(`{"Action":"fail","Package":"m/b","Test":"TestC","Elapsed":2}
{"Action":"pass","Package":"m/b","Test":"TestC/sub","Elapsed":1}
{"Attempt":2,"Action":"pass","Package":"m/b","Test":"TestC","Elapsed":3}
{"Action":"pass","Package":"m/b","Elapsed":5}
`), 0o644)
	got, err := ReadGroupTimings([]string{junit, stream})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Duration{"m/a TestA": 4500 * time.Millisecond, "m/a TestB": time.Second, "m/b TestC": 3 * time.Second}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := ReadGroupTimings([]string{filepath.Join(dir, "missing.xml")}); err == nil {
		t.Error("a missing timings file is not an error")
	}
}

func TestSelectGroupsCoversEveryGroupOnce(t *testing.T) {
	list := []runner.PackageGroups{
		{Package: "m/a", Groups: []string{"TestA1", "TestA2", "TestA3"}, Listed: true},
		{Package: "m/b", Groups: []string{"TestB1"}, Listed: true},
		{Package: "m/empty", Listed: true},
		{Package: "m/broken"},
	}
	for n := 1; n <= 7; n++ {
		seen := map[string]int{}
		for k := 1; k <= n; k++ {
			mine, note, err := SelectGroups(fmtSpec(k, n), list, nil)
			if err != nil || note == "" {
				t.Fatalf("%d/%d: %v %q", k, n, err, note)
			}
			for _, pg := range mine {
				if len(pg.Groups) == 0 {
					seen[pg.Package]++
				}
				for _, g := range pg.Groups {
					seen[pg.Package+" "+g]++
				}
			}
		}
		want := map[string]int{"m/a TestA1": 1, "m/a TestA2": 1, "m/a TestA3": 1, "m/b TestB1": 1, "m/empty": 1, "m/broken": 1}
		if !reflect.DeepEqual(seen, want) {
			t.Errorf("%d shards: %v", n, seen)
		}
	}
	if _, _, err := SelectGroups("3/2", list, nil); err == nil {
		t.Error("shard 3/2 accepted")
	}
}

func fmtSpec(k, n int) string { return Spec{K: k, N: n}.String() }

// TestGroupTimingIsItsWallClockSpan: a parent whose subtests run in
// parallel has a tiny Elapsed of its own; its group's time is the span of
// its events (as in go-cmp's TestDiff).
func TestGroupTimingIsItsWallClockSpan(t *testing.T) {
	stream := filepath.Join(t.TempDir(), "s.jsonl")
	os.WriteFile(stream, []byte(`{"Time":"2026-12-01T10:00:00Z","Action":"run","Package":"m/p","Test":"TestDiff"}
{"Time":"2026-12-01T10:00:00.01Z","Action":"run","Package":"m/p","Test":"TestDiff/a"}
{"Time":"2026-12-01T10:00:00.02Z","Action":"pause","Package":"m/p","Test":"TestDiff/a"}
{"Time":"2026-12-01T10:00:00.04Z","Action":"cont","Package":"m/p","Test":"TestDiff/a"}
{"Time":"2026-12-01T10:00:04.54Z","Action":"pass","Package":"m/p","Test":"TestDiff/a","Elapsed":4.5}
{"Time":"2026-12-01T10:00:04.55Z","Action":"pass","Package":"m/p","Test":"TestDiff","Elapsed":0.04}
{"Time":"2026-12-01T10:00:04.55Z","Action":"run","Package":"m/p","Test":"TestQuick"}
{"Time":"2026-12-01T10:00:04.56Z","Action":"pass","Package":"m/p","Test":"TestQuick","Elapsed":0.2}
`), 0o644)
	got, err := ReadGroupTimings([]string{stream})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Duration{"m/p TestDiff": 4550 * time.Millisecond, "m/p TestQuick": 200 * time.Millisecond}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

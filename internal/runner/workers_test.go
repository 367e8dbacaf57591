package runner

import (
	"reflect"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
)

func TestDealWorkers(t *testing.T) {
	list := []PackageGroups{
		{Package: "m/slow", Groups: []string{"TestA", "TestB", "TestC", "TestD", "TestE"}, Listed: true},
		{Package: "m/one", Groups: []string{"TestOnly"}, Listed: true},
		{Package: "m/none", Listed: true},
		{Package: "m/broken", Listed: false},
	}
	for _, tc := range []struct {
		name    string
		n       int
		timings map[string]time.Duration
		want    []grouping.Rerun
	}{
		{"round-robin in go test's order", 3, nil, []grouping.Rerun{
			{Package: "m/slow", Run: []string{"TestA", "TestD"}, Worker: 1},
			{Package: "m/slow", Run: []string{"TestB", "TestE"}, Worker: 2},
			{Package: "m/slow", Run: []string{"TestC"}, Worker: 3},
			{Package: "m/one", Run: []string{"TestOnly"}},
			{Package: "m/none"},
			{Package: "m/broken"},
		}},
		// Two packages with tests keep two processes busy already: a split
		// would only add processes (and TestMains).
		{"no timings, as many packages as workers: whole", 2, nil, []grouping.Rerun{
			{Package: "m/slow", Run: []string{"TestA", "TestB", "TestC", "TestD", "TestE"}},
			{Package: "m/one", Run: []string{"TestOnly"}},
			{Package: "m/none"},
			{Package: "m/broken"},
		}},
		{"short by recorded durations: whole", 3, map[string]time.Duration{
			"m/slow TestA": 20 * time.Millisecond, "m/slow TestB": 30 * time.Millisecond}, []grouping.Rerun{
			{Package: "m/slow", Run: []string{"TestA", "TestB", "TestC", "TestD", "TestE"}},
			{Package: "m/one", Run: []string{"TestOnly"}},
			{Package: "m/none"},
			{Package: "m/broken"},
		}},
		// One group is nearly all of the package's time: no worker can
		// end before it does.
		{"one long group by recorded durations: whole", 2, map[string]time.Duration{
			"m/slow TestA": 10 * time.Second, "m/slow TestB": 100 * time.Millisecond, "m/slow TestC": 100 * time.Millisecond,
			"m/slow TestD": 100 * time.Millisecond, "m/slow TestE": 100 * time.Millisecond}, []grouping.Rerun{
			{Package: "m/slow", Run: []string{"TestA", "TestB", "TestC", "TestD", "TestE"}},
			{Package: "m/one", Run: []string{"TestOnly"}},
			{Package: "m/none"},
			{Package: "m/broken"},
		}},
		{"by recorded durations", 2, map[string]time.Duration{
			"m/slow TestA": 10 * time.Second, "m/slow TestB": time.Second, "m/slow TestC": time.Second,
			"m/slow TestD": time.Second, "m/slow TestE": 8 * time.Second}, []grouping.Rerun{
			// A, E, B, C longest first; D breaks the 10s tie by count.
			{Package: "m/slow", Run: []string{"TestA", "TestD"}, Worker: 1},
			{Package: "m/slow", Run: []string{"TestB", "TestC", "TestE"}, Worker: 2},
			{Package: "m/one", Run: []string{"TestOnly"}},
			{Package: "m/none"},
			{Package: "m/broken"},
		}},
		{"one worker: a process per package", 1, nil, []grouping.Rerun{
			{Package: "m/slow", Run: []string{"TestA", "TestB", "TestC", "TestD", "TestE"}},
			{Package: "m/one", Run: []string{"TestOnly"}},
			{Package: "m/none"},
			{Package: "m/broken"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DealWorkers(list, tc.n, tc.timings); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestWorkerArgs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []string
		rerun grouping.Rerun
		want  []string
	}{
		{"groups, go test's caching kept", []string{"-race"}, grouping.Rerun{Package: "m/a", Run: []string{"TestA", "TestB"}, Worker: 1},
			[]string{"test", "-json", "-race", "-run", `^(?:TestA|TestB)$`, "m/a"}},
		{"the user's subtest selection kept", []string{"-run", "Test/login"}, grouping.Rerun{Package: "m/a", Run: []string{"TestA"}, Worker: 2},
			[]string{"test", "-json", "-run", "Test/login", "-run", `^(?:TestA)$/login`, "m/a"}},
		{"whole package", []string{"-v"}, grouping.Rerun{Package: "m/a"}, []string{"test", "-json", "-v", "m/a"}},
		{"test binary arguments stay last", []string{"-args", "-x"}, grouping.Rerun{Package: "m/a", Run: []string{"TestA"}, Worker: 1},
			[]string{"test", "-json", "-run", `^(?:TestA)$`, "m/a", "-args", "-x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := workerArgs(Config{Flags: tc.flags}, tc.rerun); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestSelection(t *testing.T) {
	got := selection([]grouping.Rerun{
		{Package: "m/a", Run: []string{"TestA"}, Worker: 1},
		{Package: "m/a", Run: []string{"TestB"}, Worker: 2},
		{Package: "m/b"},
		{Package: "m/c", Run: []string{"TestC"}},
		{Package: "m/c"},
	})
	want := map[string][]string{"m/a": {"TestA", "TestB"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("selection = %v, want %v (packages run whole select everything)", got, want)
	}
}

func TestSelectNames(t *testing.T) {
	names := []string{"TestA", "TestAB", "TestB", "ExampleA"}
	for _, tc := range []struct {
		flags []string
		want  []string
	}{
		{nil, names},
		{[]string{"-run", "A"}, []string{"TestA", "TestAB", "ExampleA"}},
		{[]string{"-run", "^TestA$/sub"}, []string{"TestA"}},
		{[]string{"-skip", "B$"}, []string{"TestA", "ExampleA"}},
		{[]string{"-skip", "TestA/sub"}, names}, // skips subtests only
		{[]string{"-run=Test", "-skip", "TestA"}, []string{"TestB"}},
	} {
		if got := selectNames(tc.flags, names); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("selectNames(%q) = %v, want %v", tc.flags, got, tc.want)
		}
	}
}

func TestBuildFlags(t *testing.T) {
	got := buildFlags([]string{"-count=1", "-tags", "e2e", "-race", "-run", "TestX", "-v", "--gcflags=-N", "-timeout", "5m", "-args", "-tags", "x"})
	want := []string{"-tags", "e2e", "-race", "--gcflags=-N"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("buildFlags = %q, want %q", got, want)
	}
}

func TestAnyWorthSplitting(t *testing.T) {
	for _, tc := range []struct {
		name    string
		timings map[string]time.Duration
		want    bool
	}{
		{"eight groups of a second", map[string]time.Duration{
			"m/slow T1": time.Second, "m/slow T2": time.Second, "m/slow T3": time.Second, "m/slow T4": time.Second,
			"m/slow T5": time.Second, "m/slow T6": time.Second, "m/slow T7": time.Second, "m/slow T8": time.Second}, true},
		{"one long group", map[string]time.Duration{"m/p TLong": 5 * time.Second, "m/p TShort": 10 * time.Millisecond}, false},
		{"short groups in many packages", map[string]time.Duration{
			"m/a T1": 100 * time.Millisecond, "m/a T2": 100 * time.Millisecond,
			"m/b T1": 200 * time.Millisecond, "m/b T2": 100 * time.Millisecond}, false},
		{"a package of one group", map[string]time.Duration{"m/p T": time.Minute}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := anyWorthSplitting(tc.timings, 2); got != tc.want {
				t.Errorf("anyWorthSplitting = %v, want %v", got, tc.want)
			}
		})
	}
}

package quarantine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/output/history"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
)

func list(t *testing.T, content string) *List {
	t.Helper()
	path := filepath.Join(t.TempDir(), "q.txt")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestHas(t *testing.T) {
	l := list(t, "# comment\nexample.com/app/... TestFlaky*\nexample.com/one TestExact // why\nexample.com/*/x TestGlob\n")
	for _, tc := range []struct {
		pkg, group string
		want       bool
	}{
		{"example.com/app", "TestFlakyDB", true},        // the package itself
		{"example.com/app/sub", "TestFlakyDB", true},    // a subpackage
		{"example.com/app/sub/deep", "TestFlaky", true}, // deeper
		{"example.com/apple", "TestFlakyDB", false},     // a sibling sharing the prefix
		{"example.com/app", "TestOther", false},
		{"example.com/one", "TestExact", true},
		{"example.com/one/sub", "TestExact", false},
		{"example.com/a/x", "TestGlob", true},
		{"example.com/a/b/x", "TestGlob", false},
	} {
		if got := l.Has(tc.pkg, tc.group); got != tc.want {
			t.Errorf("Has(%s, %s) = %v, want %v", tc.pkg, tc.group, got, tc.want)
		}
	}
}

// TestAddFlakyBoundaries: a rate equal to the threshold is not above it;
// a group with exactly min-runs runs counts.
func TestAddFlakyBoundaries(t *testing.T) {
	stats := []history.Stat{
		{Package: "m/p", Group: "TestAbove", Runs: 5, Rate: 0.21},
		{Package: "m/p", Group: "TestEqual", Runs: 5, Rate: 0.2},
		{Package: "m/p", Group: "TestBelow", Runs: 5, Rate: 0.19},
		{Package: "m/p", Group: "TestFewRuns", Runs: 4, Rate: 1},
		{Package: "m/p", Group: "TestExactRuns", Runs: 5, Rate: 1},
	}
	l := &List{}
	l.AddFlaky(stats, 0.2, 5)
	var got []string
	for _, s := range stats {
		if l.Has(s.Package, s.Group) {
			got = append(got, s.Group)
		}
	}
	if want := "TestAbove TestExactRuns"; strings.Join(got, " ") != want {
		t.Errorf("quarantined %v, want %s", got, want)
	}
}

// TestFailuresOutsideGroupsStillFail: a quarantine list excuses the
// failures of the groups it names, never a build failure or a package
// that failed outside its tests, even with a pattern matching everything.
func TestFailuresOutsideGroupsStillFail(t *testing.T) {
	everything := list(t, "example.com/... *\n")
	for _, tc := range []struct {
		stream string
		want   bool
	}{
		{"buildfail.jsonl", true},
		{"testmainfail.jsonl", true},
		{"ok.jsonl", false}, // its only failure is a quarantined group's
	} {
		r := &grouping.Report{}
		r.Add(streamtest.Attempt(t, 1, tc.stream, grouping.Options{}, nil))
		if got := everything.Failed(r); got != tc.want {
			t.Errorf("%s: Failed = %v, want %v", tc.stream, got, tc.want)
		}
		if !r.Failed() {
			t.Errorf("%s fails without a quarantine", tc.stream)
		}
	}
}

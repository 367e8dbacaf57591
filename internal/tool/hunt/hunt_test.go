package hunt

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestPrint: only groups that failed at least once are listed, with how
// often and their first failure; the totals count every group.
func TestPrint(t *testing.T) {
	var b bytes.Buffer
	failed := Print(&b, []Result{
		{Package: "m/p", Group: "TestOnce", Runs: 20, Failed: 1, FirstAttempt: 17, FirstFailure: "    p_test.go:9: boom\n"},
		{Package: "m/p", Group: "TestSteady", Runs: 20},
	}, 20)
	want := "\n=== FLAKY: m/p TestOnce failed 1 of 20 runs (first in run 17)\n    p_test.go:9: boom\n\nHUNT 2 groups × 20 runs: 1 failed at least once\n"
	if !failed || b.String() != want {
		t.Errorf("Print = %v\n%q\nwant\n%q", failed, b.String(), want)
	}
	b.Reset()
	if Print(&b, []Result{{Package: "m/p", Group: "TestSteady", Runs: 3}}, 3) || strings.Contains(b.String(), "FLAKY") {
		t.Errorf("a hunt without failures:\n%s", b.String())
	}
}

// TestSortedFailuresFirst: most failures first, then by package and group.
func TestSortedFailuresFirst(t *testing.T) {
	got := sorted(map[[2]string]*Result{
		{"m/b", "TestA"}: {Package: "m/b", Group: "TestA", Failed: 1},
		{"m/a", "TestZ"}: {Package: "m/a", Group: "TestZ", Failed: 1},
		{"m/a", "TestA"}: {Package: "m/a", Group: "TestA"},
		{"m/c", "TestC"}: {Package: "m/c", Group: "TestC", Failed: 3},
	})
	var names []string
	for _, r := range got {
		names = append(names, r.Package+" "+r.Group)
	}
	if want := []string{"m/c TestC", "m/a TestZ", "m/b TestA", "m/a TestA"}; !reflect.DeepEqual(names, want) {
		t.Errorf("order %v, want %v", names, want)
	}
}

// TestTestFuncs: the top-level Test, Fuzz and Example functions of a file,
// not methods or helpers.
func TestTestFuncs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x_test.go")
	os.WriteFile(path, []byte(`package x
import "testing"
func TestA(t *testing.T) {}
func FuzzB(f *testing.F) {}
func ExampleC() {}
func helper() {}
type s struct{}
func (s) TestMethod(t *testing.T) {}
`), 0o644)
	if got := testFuncs(path); !reflect.DeepEqual(got, []string{"TestA", "FuzzB", "ExampleC"}) {
		t.Errorf("testFuncs = %v", got)
	}
	if got := testFuncs(filepath.Join(t.TempDir(), "missing_test.go")); got != nil {
		t.Errorf("a missing file: %v", got)
	}
}

package rerunreport

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
)

func TestLinesAndFile(t *testing.T) {
	r := &grouping.Report{}
	r.Add(streamtest.Attempt(t, 1, "flaky-attempt1.jsonl", grouping.Options{}, nil))
	r.Add(streamtest.Attempt(t, 2, "flaky-attempt2.jsonl", grouping.Options{}, nil))
	want := []string{"m/p.TestF: 2 runs, 1 failures", "m/p.TestF/step: 2 runs, 1 failures"}
	if got := Lines(r); !reflect.DeepEqual(got, want) {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	path := filepath.Join(t.TempDir(), "rerun.txt")
	rr, err := New(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := rr.Finish(output.Result{Report: r, Elapsed: time.Second}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != want[0]+"\n"+want[1]+"\n" {
		t.Errorf("file %q", b)
	}
	if _, err := New(filepath.Join(t.TempDir(), "missing", "r.txt")); err == nil {
		t.Error("an unwritable path was accepted")
	}
}

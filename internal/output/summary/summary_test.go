package summary

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
)

func TestFinishAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(path, []byte("# an earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := streamtest.Report(t, grouping.Options{}, "flaky-attempt1.jsonl", "flaky-attempt2.jsonl")
	var s output.Output = New(path) // a Summary is an output of the run
	if err := s.Finish(output.Result{Report: r, Elapsed: time.Second}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if !strings.HasPrefix(got, "# an earlier step\n") || !strings.Contains(got, "TestF") || !strings.Contains(got, "flaky") {
		t.Errorf("summary:\n%s", got)
	}
}

func TestUnwritableSummaryIsAWarning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "summary.md")
	err := New(path).Finish(output.Result{Report: &grouping.Report{}})
	if err == nil || !output.IsWarning(err) || !strings.Contains(err.Error(), "--summary-md") {
		t.Errorf("Finish = %v, want a warning naming --summary-md", err)
	}
}

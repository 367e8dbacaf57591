package session

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/output/terminal"
)

func stream(name string) string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", "testdata", "streams", name)
}

// TestRunWithoutTheBinary reads a recorded stream into every file output
// and checks the outcome, as the binary would.
func TestRunWithoutTheBinary(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	cfg := Config{
		Input:     stream("gotestsum-rerun.jsonl"),
		Terminal:  terminal.Options{Format: "pkgname"},
		JUnitFile: filepath.Join(dir, "r.xml"),
		JSONFile:  filepath.Join(dir, "e.jsonl"),
		SummaryMD: filepath.Join(dir, "s.md"),
		Stdout:    &stdout,
		Stderr:    &stderr,
	}
	code, err := Run(context.Background(), cfg)
	if err != nil || code != cli.ExitFailed {
		t.Fatalf("Run = %d, %v\n%s", code, err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "DONE 3 runs, 11 tests, 1 skipped, 1 flaky, 2 failures") {
		t.Errorf("terminal:\n%s", stdout.String())
	}
	for _, f := range []string{"r.xml", "e.jsonl", "s.md"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

func TestRunRefusesBeforeAnythingRuns(t *testing.T) {
	in := stream("ok.jsonl")
	var stdout, stderr bytes.Buffer
	code, err := Run(context.Background(), Config{Input: in, JUnitFile: in, Stdout: &stdout, Stderr: &stderr})
	var ue *cli.UsageError
	if code != cli.ExitUsage || err == nil || !strings.Contains(err.Error(), "is the same file as --input") {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if !errors.As(err, &ue) || stdout.Len() != 0 {
		t.Errorf("not a usage error, or something ran: %T\n%s", err, stdout.String())
	}
}

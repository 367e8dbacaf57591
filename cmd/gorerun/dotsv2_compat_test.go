package main

import (
	"bytes"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// onPTY runs cmd on a terminal of 80 columns and returns all it printed.
func onPTY(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	cmd.Env = append(cmd.Environ(), "NO_COLOR=1")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 80})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	var out bytes.Buffer
	_, _ = io.Copy(&out, tty) // until the command exits and the terminal closes (EIO)
	_ = cmd.Wait()
	return strings.ReplaceAll(out.String(), "\r\n", "\n")
}

// TestGotestsumDotsV2Frames compares the dots-v2 frames of gotestsum and
// gorerun on a terminal, on recorded streams: the same header, package
// lines, wrapping, progress line and escape codes, up to the summary. The
// progress line's time is each tool's own (gotestsum measures a recorded
// stream from its first event to now; gorerun over the stream's events).
func TestGotestsumDotsV2Frames(t *testing.T) {
	t.Parallel()
	gotestsum := gotestsumBinary(t)
	dir := fixture("shapes")
	times := regexp.MustCompile(` in [0-9.]+s\x1b`)
	streams, err := filepath.Glob(filepath.Join("..", "..", "testdata", "streams", "*.jsonl"))
	if err != nil || len(streams) < 10 {
		t.Fatalf("recorded streams: %v (%d)", err, len(streams))
	}
	// The documented differences (README, "Coming from gotestsum"), as in
	// TestGotestsumFormatsMatch.
	differs := map[string]string{
		"appended.jsonl":        "reruns: a package that runs again starts a new line's time",
		"gotestsum-rerun.jsonl": "reruns: a package that runs again starts a new line's time",
		"bench.jsonl":           "a benchmark without a result event passes in gorerun",
	}
	compared := 0
	for _, stream := range streams {
		name := filepath.Base(stream)
		if differs[name] != "" {
			continue
		}
		compared++
		stream, _ := filepath.Abs(stream)
		want := exec.Command(gotestsum, "--format", "dots-v2", "--raw-command", "--", "cat", stream)
		want.Dir = dir
		got := exec.Command(binary, "--no-history", "--format", "dots-v2", "--input", stream)
		got.Dir = dir
		w, g := onPTY(t, want), onPTY(t, got)
		frames := func(s string) string {
			if i := strings.Index(s, "\n=== "); i >= 0 {
				s = s[:i]
			}
			if i := strings.Index(s, "\nDONE "); i >= 0 {
				s = s[:i]
			}
			return times.ReplaceAllString(s, " in Ts\x1b")
		}
		if frames(g) != frames(w) {
			t.Errorf("%s: gorerun's frames\n%q\ngotestsum's\n%q", name, frames(g), frames(w))
		}
	}
	if compared < 15 {
		t.Errorf("only %d streams compared", compared)
	}
}

package terminal

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/testutil/golden"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
)

func reportOf(t *testing.T, attempts ...string) *grouping.Report {
	t.Helper()
	return streamtest.Report(t, grouping.Options{}, attempts...)
}

func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Assert(t, []byte(got), filepath.Join("testdata", name))
}

func TestMarkdownGolden(t *testing.T) {
	type testCase struct {
		name     string
		attempts []string
	}
	run := func(t *testing.T, tc testCase) {
		var buf bytes.Buffer
		if err := Markdown(&buf, reportOf(t, tc.attempts...), 2500*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		assertGolden(t, "summary-"+tc.name+".md", buf.String())
	}
	for _, tc := range []testCase{
		{"flaky", []string{flakyAttempt1, flakyAttempt2}},
		{"failures", []string{"ok.jsonl"}},
		{"build-failure", []string{"buildfail.jsonl"}},
		{"testmain", []string{"testmainfail.jsonl"}},
	} {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestAnnotations(t *testing.T) {
	var buf bytes.Buffer
	Annotations(&buf, reportOf(t, "ok.jsonl"), "example.com/shapes")
	assertGolden(t, "annotations.txt", buf.String())
	if !strings.Contains(buf.String(), "::error file=ok/p_test.go,line=11,title=example.com/shapes/ok TestFail/x::bad") {
		t.Errorf("annotation for TestFail/x missing:\n%s", buf.String())
	}
}

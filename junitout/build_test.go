package junitout

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	junit "github.com/joshdk/go-junit"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/testutil/golden"
	"github.com/gorerun/gorerun/internal/testutil/junitschema"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
)

func reportFrom(t *testing.T, opts grouping.Options, attempts ...string) *grouping.Report {
	t.Helper()
	return streamtest.Report(t, opts, attempts...)
}

const (
	flakyAttempt1 = "flaky-attempt1.jsonl" // hand-written: TestF/step fails
	flakyAttempt2 = "flaky-attempt2.jsonl" // and passes on the rerun
	failAttempt   = `{"Action":"run","Package":"m/p","Test":"TestBad"}
{"Action":"output","Package":"m/p","Test":"TestBad","Output":"    bad_test.go:3: still broken \u0000\u001b[31m <&> ]]> \n"}
{"Action":"fail","Package":"m/p","Test":"TestBad","Elapsed":0.01}
{"Action":"output","Package":"m/p","Output":"FAIL\n"}
{"Action":"fail","Package":"m/p","Elapsed":0.1}
`
	crashAttempt = `{"Action":"run","Package":"m/c","Test":"TestBefore"}
{"Action":"pass","Package":"m/c","Test":"TestBefore","Elapsed":0}
{"Action":"run","Package":"m/c","Test":"TestExits"}
{"Action":"output","Package":"m/c","Output":"FAIL\tm/c\t0.01s\n"}
{"Action":"fail","Package":"m/c","Elapsed":0.01}
`
	// TestMain of m/tm fails after its tests, then passes on the rerun.
	testMainFails = `{"Action":"run","Package":"m/tm","Test":"TestA"}
{"Action":"pass","Package":"m/tm","Test":"TestA","Elapsed":0}
{"Action":"output","Package":"m/tm","Output":"PASS\n"}
{"Action":"output","Package":"m/tm","Output":"teardown: database still locked\n"}
{"Action":"output","Package":"m/tm","Output":"FAIL\tm/tm\t0.01s\n"}
{"Action":"fail","Package":"m/tm","Elapsed":0.01}
`
	testMainPasses = `{"Action":"run","Package":"m/tm","Test":"TestA"}
{"Action":"pass","Package":"m/tm","Test":"TestA","Elapsed":0}
{"Action":"output","Package":"m/tm","Output":"PASS\n"}
{"Action":"pass","Package":"m/tm","Elapsed":0.01}
`
	crashRerun = `{"Action":"run","Package":"m/c","Test":"TestExits"}
{"Action":"pass","Package":"m/c","Test":"TestExits","Elapsed":0}
{"Action":"run","Package":"m/c","Test":"TestAfter"}
{"Action":"pass","Package":"m/c","Test":"TestAfter","Elapsed":0}
{"Action":"output","Package":"m/c","Output":"PASS\n"}
{"Action":"pass","Package":"m/c","Elapsed":0.01}
`
)

func goldenOptions() Options {
	return Options{MaxOutput: 1 << 20, GoVersion: "go1.26.8", Version: "v0.0.0-test", Hostname: "ci-host",
		Timestamp: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
}

func TestGolden(t *testing.T) {
	type testCase struct {
		name     string
		attempts []string
		opts     func(*Options)
		// what a JUnit reader from the ecosystem must see: test name -> status
		statuses map[string]junit.Status
	}
	run := func(t *testing.T, tc testCase) {
		opts := goldenOptions()
		if tc.opts != nil {
			tc.opts(&opts)
		}
		r := reportFrom(t, grouping.Options{KeepPassingOutput: opts.OutputAll, MaxOutput: opts.MaxOutput}, tc.attempts...)
		var buf bytes.Buffer
		if err := Encode(&buf, Build(r, opts)); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", tc.name+".xml")
		golden.Assert(t, buf.Bytes(), path)
		validate(t, path)
		suites, err := junit.Ingest(buf.Bytes())
		if err != nil {
			t.Fatalf("go-junit cannot read the report: %v", err)
		}
		got := map[string]junit.Status{}
		for _, s := range suites {
			for _, tst := range s.Tests {
				got[tst.Name] = tst.Status
			}
		}
		for name, want := range tc.statuses {
			if got[name] != want {
				t.Errorf("go-junit sees %s as %q, want %q", name, got[name], want)
			}
		}
	}
	testCases := []testCase{
		{name: "flaky", attempts: []string{flakyAttempt1, flakyAttempt2},
			statuses: map[string]junit.Status{"TestF": junit.StatusPassed, "TestF/step": junit.StatusPassed, "TestOK": junit.StatusPassed}},
		{name: "failing-every-attempt", attempts: []string{failAttempt, failAttempt, failAttempt},
			statuses: map[string]junit.Status{"TestBad": junit.StatusFailed}},
		{name: "skipped-and-failed", attempts: []string{"ok.jsonl"},
			statuses: map[string]junit.Status{"TestSkip": junit.StatusSkipped, "TestFail/x": junit.StatusFailed, "TestPass/a_b#01": junit.StatusPassed}},
		{name: "build-failure", attempts: []string{"buildfail.jsonl"},
			statuses: map[string]junit.Status{"[build failed]": junit.StatusError}},
		{name: "crash", attempts: []string{"osexit.jsonl"},
			statuses: map[string]junit.Status{"TestExits": junit.StatusError, "TestBefore": junit.StatusPassed}},
		{name: "timeout", attempts: []string{"timeout.jsonl"},
			statuses: map[string]junit.Status{"TestSlow/sub": junit.StatusError}},
		{name: "testmain", attempts: []string{"testmainfail.jsonl"},
			statuses: map[string]junit.Status{"TestMain": junit.StatusFailed, "TestA": junit.StatusPassed}},
		{name: "testmain-flaky", attempts: []string{testMainFails, testMainPasses},
			statuses: map[string]junit.Status{"TestMain": junit.StatusPassed, "TestA": junit.StatusPassed}},
		{name: "testmain-every-attempt", attempts: []string{testMainFails, testMainFails, testMainFails},
			statuses: map[string]junit.Status{"TestMain": junit.StatusFailed, "TestA": junit.StatusPassed}},
		{name: "crash-then-rerun", attempts: []string{crashAttempt, crashRerun},
			statuses: map[string]junit.Status{"TestExits": junit.StatusPassed, "TestAfter": junit.StatusPassed}},
		{name: "only-last", attempts: []string{flakyAttempt1, flakyAttempt2}, opts: func(o *Options) { o.OnlyLast = true }},
		{name: "classname-group", attempts: []string{"ok.jsonl"}, opts: func(o *Options) { o.ClassnameGroup = true }},
		{name: "output-all-capped", attempts: []string{"ok.jsonl"}, opts: func(o *Options) { o.OutputAll = true; o.MaxOutput = 40 }},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func validate(t *testing.T, path string) {
	t.Helper()
	junitschema.Validate(t, path)
}

func TestCountsAddUp(t *testing.T) {
	r := reportFrom(t, grouping.Options{}, "ok.jsonl")
	ts := Build(r, goldenOptions())
	for _, s := range ts.Suites {
		var failures, errors, skipped int
		for _, tc := range s.Testcases {
			switch tc.State() {
			case Failed:
				failures++
			case Errored:
				errors++
			case SkippedState:
				skipped++
			}
		}
		if s.Tests != len(s.Testcases) || s.Failures != failures || s.Errors != errors || s.Skipped != skipped {
			t.Errorf("%s: counts %d/%d/%d/%d do not match testcases", s.Name, s.Tests, s.Failures, s.Errors, s.Skipped)
		}
	}
}

func TestWriteFileNamesAMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing-dir", "report.xml")
	if err := WriteFile(path, &Testsuites{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want one naming %s", err, path)
	}
}

func TestStreamMatchesWriteFile(t *testing.T) {
	r := reportFrom(t, grouping.Options{}, flakyAttempt1, flakyAttempt2)
	dir := t.TempDir()
	whole, streamed := filepath.Join(dir, "whole.xml"), filepath.Join(dir, "streamed.xml")
	if err := WriteFile(whole, Build(r, goldenOptions())); err != nil {
		t.Fatal(err)
	}
	s, err := NewStream(streamed, goldenOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Abort()
	if err := s.WritePackage(r.Packages()[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(r); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(whole)
	b, _ := os.ReadFile(streamed)
	if !bytes.Equal(a, b) {
		t.Errorf("streamed report differs:\n%s\n---\n%s", a, b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("spill files left behind: %v", entries)
	}
}

func TestNamesDifferingInIllegalCharactersStayDistinct(t *testing.T) {
	r := streamtest.Report(t, grouping.Options{}, `{"Action":"run","Package":"m/p","Test":"TestX/a\u0000"}
{"Action":"fail","Package":"m/p","Test":"TestX/a\u0000"}
{"Action":"run","Package":"m/p","Test":"TestX/a\u0001"}
{"Action":"fail","Package":"m/p","Test":"TestX/a\u0001"}
{"Action":"run","Package":"m/p","Test":"TestX/a\ufffd"}
{"Action":"pass","Package":"m/p","Test":"TestX/a\ufffd"}
{"Action":"fail","Package":"m/p","Test":"TestX"}
{"Action":"fail","Package":"m/p"}
`)
	ts := Build(r, Options{})
	var names []string
	for _, tc := range ts.Suites[0].Testcases {
		names = append(names, tc.Name)
	}
	want := []string{"TestX", "TestX/aU+0000", "TestX/aU+0001", "TestX/a\ufffd"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("names %q, want %q", names, want)
	}
	path := filepath.Join(t.TempDir(), "r.xml")
	if err := WriteFile(path, ts); err != nil {
		t.Fatal(err)
	}
	validate(t, path)
}

func TestSecondsAsFmt(t *testing.T) {
	for _, d := range []time.Duration{0, 10 * time.Millisecond, 20 * time.Millisecond, 990 * time.Millisecond,
		time.Second, 9990 * time.Millisecond, 10 * time.Second, 15 * time.Millisecond, 1234567 * time.Microsecond, -time.Second} {
		if got, want := seconds(d), fmt.Sprintf("%.3f", d.Seconds()); got != want {
			t.Errorf("seconds(%v) = %q, want %q", d, got, want)
		}
	}
}

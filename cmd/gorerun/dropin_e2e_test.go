package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/junitout"
)

func TestE2EGotestsumEnvironment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"GOTESTSUM_FORMAT", []string{"GOTESTSUM_FORMAT=testname"}, nil, "SKIP other.TestSkipped"},
		{"GORERUN_FORMAT wins", []string{"GOTESTSUM_FORMAT=dots", "GORERUN_FORMAT=testname"}, nil, "SKIP other.TestSkipped"},
		{"the command line wins", []string{"GOTESTSUM_FORMAT=dots"}, []string{"-f", "testname"}, "SKIP other.TestSkipped"},
		{"GOTESTSUM_FORMAT_ICONS", []string{"GOTESTSUM_FORMAT_ICONS=text"}, nil, "PASS  other ("},
		{"--format-icons hivis", nil, []string{"--format-icons", "hivis"}, "✅  other ("},
		{"--format-hide-empty-pkg", nil, []string{"--format-hide-empty-pkg", "./other", "./internal/..."}, "✓  other ("},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append([]string{}, tc.args...), "--", "-run", "TestSkipped")
			if len(tc.args) == 0 || !strings.HasPrefix(tc.args[0], "--format-hide") {
				args = append(args, "./other")
			}
			r := gorerun(t, fixture("e2e"), tc.env, "", args...)
			r.expectCode(t, 0)
			r.expectOutput(t, tc.want)
			if strings.Contains(r.stdout, "internal/state") {
				t.Errorf("an empty package was shown:\n%s", r.stdout)
			}
		})
	}
	r := gorerun(t, fixture("e2e"), []string{"GOTESTSUM_FORMAT=fancy"}, "", "./other")
	r.expectCode(t, 2)
	r.expectOutput(t, `--format "fancy": must be one of`, "(set by GOTESTSUM_FORMAT)")
}

func TestE2EDataRaceIsNotRerun(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-fails", "--rerun-delay=0", "./race")
	r.expectCode(t, 1)
	r.expectOutput(t, "not rerunning race TestRacy: it has a data race, a bug rather than a flake (--rerun-data-races reruns it)",
		"=== FAIL: race TestRacy (", "data race: not rerun")
	r.expectCounts(t, map[string]int{"race.racy": 1})

	r = gorerun(t, fixture("e2e"), nil, "", "--rerun-fails", "--rerun-delay=0", "--rerun-data-races", "./race")
	r.expectCode(t, 0)
	r.expectCounts(t, map[string]int{"race.racy": 2})

	r = gorerun(t, fixture("e2e"), nil, "", "--rerun-fails", "--rerun-delay=0", "--rerun-fails-abort-on-data-race", "./race", "./other")
	r.expectCode(t, 1)
	r.expectOutput(t, "not rerunning anything: a data race was detected (--rerun-fails-abort-on-data-race)")
	r.expectCounts(t, map[string]int{"other.process": 1})
}

func TestE2EMaxFails(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "r.xml")
	// The failing package's binary waits for gorerun's interrupt before it
	// exits, so that go test cannot start ./other first on a fast machine.
	r := gorerun(t, fixture("e2e"), []string{"GORERUN_E2E_HOLD=1"}, "", "--max-fails", "1", "--rerun-fails", "--junitfile", report, "./always", "./other", "--", "-p", "1")
	r.expectCode(t, 1)
	r.expectOutput(t, "gorerun: stopped after 1 test failures (--max-fails 1): the results above are partial")
	if strings.Contains(r.stdout, "rerun 1/") {
		t.Errorf("--max-fails reran:\n%s", r.stdout)
	}
	// go test was stopped: with -p 1 the package after the failure never ran.
	r.expectCounts(t, map[string]int{"other.process": 0})
	readJUnit(t, report) // written, and valid
}

func TestE2ERawCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stream := filepath.Join("..", "..", "testdata", "streams", "ok.jsonl")
	abs, _ := filepath.Abs(stream)
	r := gorerun(t, fixture("e2e"), nil, "", "--raw-command", "--", "cat", abs)
	r.expectCode(t, 1)
	r.expectOutput(t, "DONE 8 tests, 1 skipped, 2 failures")

	script := filepath.Join(dir, "tests.sh")
	os.WriteFile(script, []byte("#!/bin/sh\ngo test -json -run TestSkipped ./other\nexit 3\n"), 0o755)
	r = gorerun(t, fixture("e2e"), nil, "", "--raw-command", "--", script)
	r.expectCode(t, 1)
	r.expectOutput(t, "DONE 1 test, 1 skipped", "gorerun: --raw-command "+script+": exit status 3")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--raw-command", "--rerun-fails", "--", "cat", abs}, "--raw-command: reruns need go test to run a group again"},
		{[]string{"--raw-command"}, "--raw-command: give the command after --"},
		{[]string{"--raw-command", "--", filepath.Join(dir, "missing")}, "--raw-command " + filepath.Join(dir, "missing")},
	} {
		expectRefused(t, tc.want, tc.args...)
	}
}

func TestE2ERerunReportAndTimingEvents(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	report, timing := filepath.Join(dir, "rerun.txt"), filepath.Join(dir, "timing.jsonl")
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-fails", "--rerun-delay=0", "--rerun-fails-report", report,
		"--jsonfile-timing-events", timing, "--rerun-fails-run-root-test", "./other", "./basic")
	r.expectCode(t, 0)
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	want := "example.com/e2e/basic.TestPrefix: 2 runs, 1 failures\n" +
		"example.com/e2e/basic.TestWholeGroup: 2 runs, 1 failures\n" +
		"example.com/e2e/basic.TestWholeGroup/check: 2 runs, 1 failures\n" +
		"example.com/e2e/other.TestOther: 2 runs, 1 failures\n"
	if string(b) != want {
		t.Errorf("--rerun-fails-report:\n%s\nwant\n%s", b, want)
	}
	b, err = os.ReadFile(timing)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, line := range lines {
		if !strings.Contains(line, `"Action":"pass"`) && !strings.Contains(line, `"Action":"fail"`) && !strings.Contains(line, `"Action":"skip"`) {
			t.Errorf("--jsonfile-timing-events has %s", line)
		}
	}
	if len(lines) < 10 {
		t.Errorf("--jsonfile-timing-events has %d lines", len(lines))
	}
}

func TestE2EJUnitNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	report := filepath.Join(dir, "r.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--junitfile", report, "--junitfile-testcase-classname", "short",
		"--junitfile-testsuite-name", "relative", "--junitfile-project-name", "e2e suite", "--junitfile-hide-skipped-tests",
		"--junitfile-hide-empty-pkg", "./other", "./internal/...", "--", "-run", "TestSkipped|TestOther")
	r.expectCode(t, 1)
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var ts junitout.Testsuites
	if err := xml.Unmarshal(b, &ts); err != nil {
		t.Fatal(err)
	}
	if ts.Name != "e2e suite" || len(ts.Suites) != 1 || ts.Suites[0].Name != "other" {
		t.Fatalf("testsuites %q with suites %+v, want one suite named other", ts.Name, ts.Suites)
	}
	tcs := ts.Suites[0].Testcases
	if len(tcs) != 1 || tcs[0].Name != "TestOther" || tcs[0].Classname != "other" {
		t.Errorf("testcases %+v, want TestOther with classname other and no skipped test", tcs)
	}
}

func TestE2EDebug(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "--debug", "./other", "--", "-run", "TestSkipped")
	r.expectCode(t, 0)
	r.expectOutput(t, "gorerun: debug: go test -json -run TestSkipped ./other", "gorerun: debug: go test -json: took ")
}

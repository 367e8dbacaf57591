package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/junitout"
)

func streamPath(name string) string {
	p, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "streams", name))
	return p
}

// doneTests reads the test count of the terminal's DONE line.
func doneTests(t *testing.T, stdout string) int {
	t.Helper()
	m := regexp.MustCompile(`DONE (?:\d+ runs?, )?(\d+) tests?`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no DONE line in\n%s", stdout)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestE2ERecordedStreamsTellTheTruth reads streams recorded from real tools
// (testdata/streams/record.sh) and checks the verdict, the terminal and the
// JUnit report agree with what the stream says happened.
func TestE2ERecordedStreamsTellTheTruth(t *testing.T) {
	t.Parallel()
	type testCase struct {
		stream   string
		code     int
		want     []string
		tests    int // testcases in the report, and tests on the DONE line
		failures int
		errors   int
		check    func(t *testing.T, ts *junitout.Testsuites)
	}
	run := func(t *testing.T, tc testCase) {
		report := filepath.Join(t.TempDir(), "report.xml")
		r := gorerun(t, t.TempDir(), nil, "", "--input", streamPath(tc.stream), "--junitfile", report)
		r.expectCode(t, tc.code)
		r.expectOutput(t, tc.want...)
		ts := readJUnit(t, report)
		if ts.Tests != tc.tests || ts.Failures != tc.failures || ts.Errors != tc.errors {
			t.Errorf("report: tests=%d failures=%d errors=%d, want %d %d %d", ts.Tests, ts.Failures, ts.Errors, tc.tests, tc.failures, tc.errors)
		}
		if n := doneTests(t, r.stdout); n != tc.tests-countNamed(ts, "TestMain") {
			t.Errorf("terminal counts %d tests, report %d testcases", n, ts.Tests)
		}
		if tc.check != nil {
			tc.check(t, ts)
		}
	}
	testCases := []testCase{
		{stream: "nopkg.jsonl", code: 1, tests: 5, failures: 3,
			want: []string{"=== FAIL:  TestSocket", "DONE 5 tests, 3 failures"},
			check: func(t *testing.T, ts *junitout.Testsuites) {
				if tc := testcase(t, ts, "", "TestSocket"); tc.Failure == nil || tc.Failure.Message != "assertion failed: got 1\nwant 2" {
					t.Errorf("TestSocket: %+v", tc.Failure)
				}
			}},
		{stream: "appended.jsonl", code: 0, tests: 3,
			want: []string{"DONE 2 runs, 3 tests, 1 flaky", "=== FLAKY: example.com/shapes/flip TestFlip passed on attempt 2"},
			check: func(t *testing.T, ts *junitout.Testsuites) {
				if len(ts.Suites) != 1 {
					t.Errorf("%d testsuites for one package", len(ts.Suites))
				}
				if tc := testcase(t, ts, "flip", "TestFlip/step"); tc.Failure != nil || len(tc.FlakyFailures) != 1 {
					t.Errorf("TestFlip/step: %+v", tc)
				}
			}},
		{stream: "gotestsum-rerun.jsonl", code: 1, tests: 11, failures: 2,
			want: []string{"DONE 3 runs, 11 tests, 1 skipped, 1 flaky, 2 failures", "TestFail (0.00s, failed all 3 attempts)"},
			check: func(t *testing.T, ts *junitout.Testsuites) {
				if tc := testcase(t, ts, "flip", "TestFlip/step"); tc.Failure != nil || len(tc.FlakyFailures) != 1 {
					t.Errorf("TestFlip/step: %+v", tc)
				}
				if tc := testcase(t, ts, "ok", "TestFail/x"); tc.Failure == nil || len(tc.RerunFailures) != 2 {
					t.Errorf("TestFail/x: %+v", tc)
				}
				if tc := testcase(t, ts, "ok", "TestFail/y"); tc.State() != junitout.Passed {
					t.Errorf("TestFail/y passed in the only run that ran it: %+v", tc)
				}
			}},
		{stream: "afterpass.jsonl", code: 1, tests: 2, errors: 1,
			want: []string{"test binary panicked after its tests"},
			check: func(t *testing.T, ts *junitout.Testsuites) {
				if tc := testcase(t, ts, "afterpass", "TestMain"); tc.Error == nil || tc.Failure != nil {
					t.Errorf("a panic after PASS must be an error: %+v", tc)
				}
			}},
		{stream: "failmsg.jsonl", code: 1, tests: 5, failures: 3,
			want: []string{"        p_test.go:18: total is 3, want 4\n    --- FAIL: TestCart/total (0.00s)\n--- FAIL: TestCart (0.00s)\n"},
			check: func(t *testing.T, ts *junitout.Testsuites) {
				if tc := testcase(t, ts, "failmsg", "TestSocket"); tc.Failure == nil || tc.Failure.Message != "assertion failed: got 1\nwant 2" {
					t.Errorf("TestSocket message: %+v", tc.Failure)
				}
			}},
	}
	for _, tc := range testCases {
		t.Run(tc.stream, func(t *testing.T) { run(t, tc) })
	}
}

func countNamed(ts *junitout.Testsuites, name string) int {
	n := 0
	for _, s := range ts.Suites {
		for _, tc := range s.Testcases {
			if tc.Name == name {
				n++
			}
		}
	}
	return n
}

// TestE2EAFailEventNeverEndsGreen: whatever the stream, a fail action for a
// test or package that no later attempt of it passed gives exit 1.
func TestE2EAFailEventNeverEndsGreen(t *testing.T) {
	t.Parallel()
	streams, _ := filepath.Glob(streamPath("*.jsonl"))
	for _, s := range streams {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"Action":"fail"`) || filepath.Base(s) == "appended.jsonl" {
			continue // appended.jsonl's only failure passes in its second run
		}
		r := gorerun(t, t.TempDir(), nil, "", "--input", s)
		if r.code != 1 {
			t.Errorf("%s has a fail event but exits %d", filepath.Base(s), r.code)
		}
	}
}

// TestE2ECrashNeverHidesOtherTests: a group that crashes the test binary on
// every attempt must not stop the groups after it, with or without reruns.
func TestE2ECrashNeverHidesOtherTests(t *testing.T) {
	t.Parallel()
	type testCase struct {
		name  string
		args  []string
		crash int // times TestCrash ran
		want  []string
	}
	run := func(t *testing.T, tc testCase) {
		report := filepath.Join(t.TempDir(), "report.xml")
		r := gorerun(t, fixture("e2e"), nil, "", append(tc.args, "--rerun-delay=0", "--junitfile", report, "./crashalways")...)
		r.expectCode(t, 1)
		r.expectOutput(t, append(tc.want, "TestCrash crashed the test binary; running the 2 groups that never started")...)
		r.expectCounts(t, map[string]int{"crashalways.crash": tc.crash, "crashalways.later": 1, "crashalways.later2": 1})
		ts := readJUnit(t, report)
		for _, name := range []string{"TestLater", "TestLater2"} {
			if tc := testcase(t, ts, "crashalways", name); tc.State() != junitout.Passed {
				t.Errorf("%s: %+v", name, tc)
			}
		}
		if c := testcase(t, ts, "crashalways", "TestCrash"); c.Error == nil || !strings.Contains(c.Error.Message, "always crashes") {
			t.Errorf("TestCrash: %+v", c)
		}
		if ts.Errors != 1 || ts.Failures != 0 || ts.Tests != 3 {
			t.Errorf("totals tests=%d failures=%d errors=%d", ts.Tests, ts.Failures, ts.Errors)
		}
		if strings.Contains(r.stdout, "NOT RUN") {
			t.Errorf("a group is reported not run:\n%s", r.stdout)
		}
	}
	testCases := []testCase{
		{"without reruns", nil, 1, []string{"DONE 3 tests, 1 error"}},
		{"with reruns", []string{"--rerun-class-max=2"}, 3, []string{"rerun 1/2: 1 failed group in 1 package", "rerun 2/2: 1 failed group in 1 package", "DONE 3 runs, 3 tests, 1 error"}},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

// TestE2EResumingStopsWithoutProgress: when the process that resumes after a
// crash starts no group, gorerun stops resuming and names what never ran.
func TestE2EResumingStopsWithoutProgress(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "./crashstuck")
	r.expectCode(t, 1)
	r.expectOutput(t, "running the 1 group that never started", "=== NOT RUN: crashstuck TestLater")
	r.expectCounts(t, map[string]int{"crashstuck.launch": 2, "crashstuck.later": 0})
}

// TestE2EAttemptsContinueAcrossProcesses: the README's two-step pipeline
// behaves like one process with reruns. TestOther fails on attempt 1 only.
func TestE2EAttemptsContinueAcrossProcesses(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	report := filepath.Join(state, "report.xml")
	gorerunState(t, state, "--junitfile", report, "./other").expectCode(t, 1)
	second := gorerunState(t, state, "--last-failed", "--update-xml", report, "./other")
	second.expectCode(t, 0)
	second.expectOutput(t, "running 1 groups in 1 packages that failed last time", "from attempt 2", "[attempt 2]")
	second.expectCounts(t, map[string]int{"other.process": 2})
	ts := readJUnit(t, report)
	if tc := testcase(t, ts, "other", "TestOther"); tc.Failure != nil || len(tc.FlakyFailures) != 1 ||
		!strings.Contains(tc.FlakyFailures[0].StackTrace.Body, "fails on attempt 1") {
		t.Errorf("TestOther: %+v", tc)
	}
}

// TestE2EUpdateXMLKeepsAttemptOrder: earlier attempts come first in the
// merged report, the final one is the failure.
func TestE2EUpdateXMLKeepsAttemptOrder(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	report := filepath.Join(state, "report.xml")
	gorerunState(t, state, "--junitfile", report, "--rerun-class-max=1", "--rerun-delay=0", "./always").expectCode(t, 1)
	r := gorerunState(t, state, "--last-failed", "--update-xml", report, "./always")
	r.expectCode(t, 1)
	r.expectOutput(t, "from attempt 3")
	ts := readJUnit(t, report)
	step := testcase(t, ts, "always", "TestAlwaysFails/step")
	if step.Failure == nil || len(step.RerunFailures) != 2 {
		t.Fatalf("step: %+v", step)
	}
	for i, want := range []string{"run 1", "run 2"} {
		if !strings.Contains(step.RerunFailures[i].StackTrace.Body, want) {
			t.Errorf("rerunFailure %d is not %s: %q", i, want, step.RerunFailures[i].StackTrace.Body)
		}
	}
	if !strings.Contains(step.Failure.Body, "run 3") {
		t.Errorf("final failure: %q", step.Failure.Body)
	}
}

// TestE2EPackagesAfterDoubleDash: gorerun -- -count=1 ./pkg runs ./pkg only,
// as gotestsum -- -count=1 ./pkg does, and reruns keep it.
func TestE2EPackagesAfterDoubleDash(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "--", "-count=1", "./other")
	r.expectCode(t, 0)
	r.expectOutput(t, "✖  other (", "rerun 1/1: 1 failed group in 1 package")
	if strings.Contains(r.stdout, "  basic (") {
		t.Errorf("ran more than ./other:\n%s", r.stdout)
	}
	r.expectCounts(t, map[string]int{"other.process": 2, "basic.process": 0})
}

// TestE2EUpdateXMLErrorStillFails: the exit code of --update-xml comes from
// the merged report, and an <error> (a crash) in it counts.
func TestE2EUpdateXMLErrorStillFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	report := filepath.Join(dir, "report.xml")
	gorerun(t, dir, nil, "", "--input", streamPath("osexit.jsonl"), "--junitfile", report).expectCode(t, 1)
	r := gorerun(t, fixture("e2e"), nil, "", "--update-xml", report, "./lastfailed", "--", "-run", "^TestStable$")
	r.expectCode(t, 1)
	r.expectOutput(t, "failures, 1 errors")
	ts := readJUnit(t, report)
	if ts.Errors != 1 || ts.Failures != 0 {
		t.Errorf("merged report: failures=%d errors=%d", ts.Failures, ts.Errors)
	}
}

// The output of failed tests of packages already written is kept in a
// temporary file until the summary: the summary still shows all of it,
// the same with or without a usable temporary directory, and no file is
// left behind.
func TestFailedOutputKeptOnDiskShowsInSummary(t *testing.T) {
	var b strings.Builder
	for p := range 3 {
		for i := range 3 {
			status := "pass"
			if i == 1 {
				status = "fail"
			}
			fmt.Fprintf(&b, `{"Action":"run","Package":"m/p%d","Test":"TestT%d"}`+"\n", p, i)
			fmt.Fprintf(&b, `{"Action":"output","Package":"m/p%d","Test":"TestT%d","Output":"    t_test.go:9: package %d test %d says %s\n"}`+"\n", p, i, p, i, strings.Repeat("z", 200))
			fmt.Fprintf(&b, `{"Action":"%s","Package":"m/p%d","Test":"TestT%d"}`+"\n", status, p, i)
		}
		fmt.Fprintf(&b, `{"Action":"fail","Package":"m/p%d"}`+"\n", p)
	}
	dir := t.TempDir()
	stream := filepath.Join(dir, "s.json")
	if err := os.WriteFile(stream, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	r := gorerun(t, dir, []string{"TMPDIR=" + tmp}, "", "--no-history", "--input", stream, "--junitfile", "r.xml")
	r.expectCode(t, 1)
	for p := range 3 {
		if want := fmt.Sprintf("package %d test 1 says %s\n", p, strings.Repeat("z", 200)); !strings.Contains(r.stdout, want) {
			t.Errorf("the summary lacks the output of m/p%d TestT1:\n%s", p, r.stdout)
		}
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("%d files left in TMPDIR: %v", len(entries), entries)
	}
	noTmp := gorerun(t, dir, []string{"TMPDIR=" + filepath.Join(tmp, "missing")}, "", "--no-history", "--input", stream, "--junitfile", "r2.xml")
	noTmp.expectCode(t, 1)
	stripTime := regexp.MustCompile(` in [0-9.]+s\n`).ReplaceAllString
	if stripTime(noTmp.stdout, "") != stripTime(r.stdout, "") {
		t.Errorf("without a temporary directory the terminal shows\n%s\nwith one\n%s", noTmp.stdout, r.stdout)
	}
}

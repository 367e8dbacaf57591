package main

import (
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

package grouping

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFailuresRecordAttempts(t *testing.T) {
	r := &Report{}
	r.Add(trackString(t, `{"Action":"run","Package":"m/a","Test":"TestA"}
{"Action":"fail","Package":"m/a","Test":"TestA"}
{"Action":"run","Package":"m/a","Test":"TestB"}
{"Action":"fail","Package":"m/a","Test":"TestB"}
{"Action":"output","Package":"m/a","Output":"FAIL\n"}
{"Action":"fail","Package":"m/a"}
{"Action":"run","Package":"m/b","Test":"TestC"}
{"Action":"pass","Package":"m/b","Test":"TestC"}
{"Action":"output","Package":"m/b","Output":"FAIL\n"}
{"Action":"fail","Package":"m/b"}
`, Options{Attempt: 1}))
	r.Add(trackString(t, `{"Action":"run","Package":"m/a","Test":"TestB"}
{"Action":"fail","Package":"m/a","Test":"TestB"}
{"Action":"output","Package":"m/a","Output":"FAIL\n"}
{"Action":"fail","Package":"m/a"}
`, Options{Attempt: 2}))
	f := r.Failures()
	if !reflect.DeepEqual(f["m/a"].Groups, []string{"TestA", "TestB"}) {
		t.Errorf("m/a groups %v", f["m/a"].Groups)
	}
	f.Add("m/a", "TestB") // once only
	if len(f["m/a"].Groups) != 2 {
		t.Errorf("m/a groups after adding TestB again: %v", f["m/a"].Groups)
	}
	want := map[string]int{"TestA": 1, "TestB": 2}
	if got := f["m/a"].Attempts; !reflect.DeepEqual(got, want) {
		t.Errorf("m/a attempts %v, want %v", got, want)
	}
	if got := f["m/b"].Attempts; !reflect.DeepEqual(got, map[string]int{"": 1}) || !f["m/b"].Whole {
		t.Errorf("m/b (failed without a test): %+v", f["m/b"])
	}
	// The largest count wins; unknown packages are ignored.
	f.SetAttempts("m/a", "TestB", 1)
	f.SetAttempts("m/a", "TestA", 3)
	f.SetAttempts("m/none", "TestX", 5)
	if f["m/a"].Attempts["TestB"] != 2 || f["m/a"].Attempts["TestA"] != 3 || f["m/none"] != nil {
		t.Errorf("after SetAttempts: %v %v", f["m/a"].Attempts, f["m/none"])
	}
	type testCase struct {
		name   string
		reruns []Rerun
		want   int
	}
	for _, tc := range []testCase{
		{"largest of the selected groups", []Rerun{{Package: "m/a", Run: []string{"TestA", "TestB"}}}, 3},
		{"only the selected groups", []Rerun{{Package: "m/a", Run: []string{"TestB"}}}, 2},
		{"a whole package", []Rerun{{Package: "m/b"}}, 1},
		{"nothing recorded", []Rerun{{Package: "m/zzz"}}, 0},
	} {
		if got := f.AttemptsMade(tc.reruns); got != tc.want {
			t.Errorf("%s: AttemptsMade = %d, want %d", tc.name, got, tc.want)
		}
	}
	// Update keeps the attempts of entries it carries over.
	next := f.Update(&Report{Attempts: []*Attempt{{Number: 3}}})
	if next["m/a"].Attempts["TestA"] != 3 || next["m/b"].Attempts[""] != 1 {
		t.Errorf("Update lost attempts: %v %v", next["m/a"].Attempts, next["m/b"].Attempts)
	}
}

func TestPlanCounts(t *testing.T) {
	type testCase struct {
		name          string
		report        *Report
		opts          PlanOptions
		failed, never int
		groups, pkgs  int
		refused       bool
	}
	run := func(t *testing.T, tc testCase) {
		got := Plan(tc.report, tc.opts)
		if got.Failed != tc.failed || got.NeverStarted != tc.never || got.Groups != tc.groups || got.Packages() != tc.pkgs || (got.Refused != "") != tc.refused {
			t.Errorf("Plan = failed %d never %d groups %d packages %d refused %q", got.Failed, got.NeverStarted, got.Groups, got.Packages(), got.Refused)
		}
	}
	testCases := []testCase{
		{name: "a package failed without a failing test",
			report: &Report{Attempts: []*Attempt{attempt(1, pkg("m/a", 1, PackageFail, true, group("TestA", Pass)))}},
			opts:   PlanOptions{MaxReruns: 1, MaxFailures: 5}, failed: 1, groups: 1, pkgs: 1},
		{name: "failed and never started in two packages",
			report: &Report{Attempts: []*Attempt{attempt(1,
				pkg("m/a", 1, PackageFail, true, group("TestA", Fail), group("TestB", NotRun)),
				pkg("m/b", 1, PackageNotRun, false))}},
			opts: PlanOptions{MaxReruns: 1, MaxFailures: 5}, failed: 1, never: 2, groups: 3, pkgs: 2},
		{name: "no failures allowed",
			report: &Report{Attempts: []*Attempt{attempt(1, pkg("m/a", 1, PackageFail, true, group("TestA", Fail)))}},
			opts:   PlanOptions{MaxReruns: 1, MaxFailures: 0}, failed: 1, groups: 1, pkgs: 0, refused: true},
		{name: "no limit",
			report: &Report{Attempts: []*Attempt{attempt(1, pkg("m/a", 1, PackageFail, true, group("TestA", Fail), group("TestB", Fail)))}},
			opts:   PlanOptions{MaxReruns: 1, MaxFailures: -1}, failed: 2, groups: 2, pkgs: 1},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestCountsSkippedAndErrors(t *testing.T) {
	r := &Report{}
	r.Add(track(t, "ok.jsonl", Options{Attempt: 1}))
	r.Add(track(t, "osexit.jsonl", Options{Attempt: 1}))
	c := r.Counts()
	if c.Skipped != 1 || c.Errors != 1 || c.Failed != 2 || c.Tests != 10 {
		t.Errorf("counts %+v", c)
	}
}

func TestCompactedGroupsOfAnEarlierRunCount(t *testing.T) {
	// Run 1 of m passed TestPass (compacted) and failed TestFail; run 2
	// reran only TestFail.
	a1 := track(t, "ok.jsonl", Options{Attempt: 1})
	a1.Packages[0].Compact(nil)
	r := &Report{Attempts: []*Attempt{a1}}
	r.Add(trackString(t, `{"Action":"run","Package":"example.com/shapes/ok","Test":"TestFail"}
{"Action":"pass","Package":"example.com/shapes/ok","Test":"TestFail"}
{"Action":"output","Package":"example.com/shapes/ok","Output":"PASS\n"}
{"Action":"pass","Package":"example.com/shapes/ok"}
`, Options{Attempt: 2}))
	if c := r.Counts(); c.Tests != 8 || c.Groups != 4 || c.Skipped != 1 {
		t.Errorf("counts %+v, want 8 tests (1 skipped) in 4 groups", c)
	}
}

func TestStatusNames(t *testing.T) {
	if Error.String() != "error" || Status(99).String() != "unknown" || Status(len(statusNames)).String() != "unknown" || NotRun.String() != "not run" {
		t.Errorf("%q %q %q", Error, Status(99), NotRun)
	}
}

func TestNotRunMessageIsItsFirstLine(t *testing.T) {
	tst := &Test{Name: "TestX", Status: NotRun, out: []byte("not run: the binary exited\nmore detail\n")}
	if got := tst.FailureMessage(); got != "not run: the binary exited" {
		t.Errorf("FailureMessage = %q", got)
	}
}

func TestInterleavedPackagesWithTheSameTestName(t *testing.T) {
	a := trackString(t, `{"Action":"run","Package":"m/a","Test":"TestX"}
{"Action":"run","Package":"m/b","Test":"TestX"}
{"Action":"fail","Package":"m/a","Test":"TestX"}
{"Action":"pass","Package":"m/b","Test":"TestX"}
`, Options{Attempt: 1})
	if got := summary(a); got != "a incomplete crashed | TestX=fail\nb incomplete crashed failed-without-test | TestX=pass\n" {
		t.Errorf("got %q", got)
	}
}

func TestOutputOfAFailingTestAfterARecycledBuffer(t *testing.T) {
	tst := trackString(t, `{"Action":"run","Package":"m","Test":"TestOK"}
{"Action":"output","Package":"m","Test":"TestOK","Output":"passing chatter\n"}
{"Action":"pass","Package":"m","Test":"TestOK"}
{"Action":"run","Package":"m","Test":"TestBad"}
{"Action":"output","Package":"m","Test":"TestBad","Output":"first\n"}
{"Action":"output","Package":"m","Test":"TestBad","Output":"second\n"}
{"Action":"fail","Package":"m","Test":"TestBad"}
`, Options{Attempt: 1}).Packages[0].Group("TestBad").Top()
	if string(tst.Output()) != "first\nsecond\n" {
		t.Errorf("output %q", tst.Output())
	}
}

func TestOutputWithoutRunEventStartsTheTest(t *testing.T) {
	a := trackString(t, `{"Action":"output","Package":"m","Test":"TestX","Output":"working\n"}
{"Action":"output","Package":"m","Output":"FAIL\tm\t0.1s\n"}
{"Action":"fail","Package":"m"}
`, Options{Attempt: 1})
	if g := a.Packages[0].Groups[0]; g.Status() != Error {
		t.Errorf("a test that printed and never ended: %v", g.Status())
	}
}

func TestCutOffTestsReportHowLongTheyRan(t *testing.T) {
	p := track(t, "timeout.jsonl", Options{Attempt: 1}).Packages[0]
	slow := p.Group("TestSlow")
	for _, tst := range slow.Tests {
		if tst.Elapsed < 1900*time.Millisecond || tst.Elapsed > 2100*time.Millisecond {
			t.Errorf("%s ran %v before the 2s timeout", tst.Name, tst.Elapsed)
		}
	}
	// The package's trailing output goes to the innermost running test only.
	const trailer = "FAIL\texample.com/shapes/timeout"
	if strings.Contains(string(slow.Top().Output()), trailer) || !strings.Contains(string(slow.Tests[1].Output()), trailer) {
		t.Errorf("timeout output attached to the wrong test:\nparent %q\nsub %q", slow.Top().Output(), slow.Tests[1].Output())
	}
	// Without times in the stream, nothing is made up.
	a := trackString(t, `{"Action":"run","Package":"m","Test":"TestX"}
{"Action":"fail","Package":"m"}
`, Options{Attempt: 1})
	if d := a.Packages[0].Groups[0].Top().Elapsed; d != 0 {
		t.Errorf("elapsed %v without times", d)
	}
	// A start after the end (clock skew) is not negative.
	a = trackString(t, `{"Time":"2026-01-01T00:00:05Z","Action":"run","Package":"m","Test":"TestX"}
{"Time":"2026-01-01T00:00:01Z","Action":"fail","Package":"m"}
`, Options{Attempt: 1})
	if d := a.Packages[0].Groups[0].Top().Elapsed; d != 0 {
		t.Errorf("elapsed %v for a start after the end", d)
	}
}

func TestTrimWithoutCap(t *testing.T) {
	b := []byte("0123456789")
	if out, n := Trim(b, 0); string(out) != "0123456789" || n != 0 {
		t.Errorf("Trim(b, 0) = %q, %d", out, n)
	}
	if out, n := Trim(b, 4); string(out) != "6789" || n != 6 {
		t.Errorf("Trim(b, 4) = %q, %d", out, n)
	}
}

func TestErrorTextTakesTheFirstMarkedFailureOnly(t *testing.T) {
	tst := trackString(t, `{"Action":"run","Package":"m","Test":"TestX"}
{"Action":"output","Package":"m","Test":"TestX","Output":"    x_test.go:3: one\n","OutputType":"error"}
{"Action":"output","Package":"m","Test":"TestX","Output":"    x_test.go:4: two\n","OutputType":"error"}
{"Action":"output","Package":"m","Test":"TestX","Output":"        more of two\n","OutputType":"error-continue"}
{"Action":"fail","Package":"m","Test":"TestX"}
`, Options{Attempt: 1}).Packages[0].Groups[0].Top()
	if tst.ErrorText != "one" {
		t.Errorf("ErrorText %q", tst.ErrorText)
	}
}

func TestPlanNumbersTheNextRound(t *testing.T) {
	r := &Report{Attempts: []*Attempt{attempt(3, pkg("m/a", 3, PackageFail, true, group("TestA", Fail)))}}
	got := Plan(r, PlanOptions{MaxReruns: 2, MaxFailures: 5})
	if got.Round != 4 || got.Rerun != 1 || len(got.Reruns) != 1 {
		t.Errorf("Plan after attempt 3 = round %d, rerun %d, %d processes; want round 4, rerun 1", got.Round, got.Rerun, len(got.Reruns))
	}
}

func TestLongFailureMessagesAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("    x_test.go:3: unexpected response:\n")
	for range 50 {
		b.WriteString("        \"field\": \"a value that goes on\",\n")
	}
	b.WriteString("--- FAIL: TestX (0.00s)\n")
	tst := &Test{Name: "TestX", Status: Fail, out: []byte(b.String())}
	msg := tst.FailureMessage()
	if n := strings.Count(msg, "\n"); n != maxMessageLines-1 || !strings.HasSuffix(msg, " …") || !strings.HasPrefix(msg, "unexpected response:\n") {
		t.Errorf("%d lines, %q", n+1, msg)
	}
	long := &Test{Name: "TestY", Status: Fail, out: []byte("    y_test.go:1: " + strings.Repeat("é", 800) + "\n")}
	if msg := long.FailureMessage(); len(msg) > maxMessageBytes+len(" …") || !strings.HasSuffix(msg, "é …") {
		t.Errorf("long message: %d bytes, ends %q", len(msg), msg[len(msg)-8:])
	}
	// Plain output without a file:line message is capped too.
	plain := &Test{Name: "TestZ", Status: Fail, out: []byte(strings.Repeat("x", 5000) + "\n")}
	if msg := plain.FailureMessage(); len(msg) > maxMessageBytes+len(" …") {
		t.Errorf("plain-output message: %d bytes", len(msg))
	}
}

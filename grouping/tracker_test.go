package grouping

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorerun/gorerun/internal/file/spool"

	"github.com/gorerun/gorerun/testjson"
)

// track runs a recorded stream from testdata/streams through a Tracker.
func track(t *testing.T, name string, opts Options) *Attempt {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "streams", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return trackReader(t, f, opts)
}

func trackString(t *testing.T, s string, opts Options) *Attempt {
	t.Helper()
	return trackReader(t, strings.NewReader(s), opts)
}

func trackReader(t *testing.T, r interface{ Read([]byte) (int, error) }, opts Options) *Attempt {
	t.Helper()
	tr := NewTracker(opts)
	d := testjson.NewDecoder(r)
	for d.Scan() {
		tr.Add(d.Event())
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	return tr.Finish()
}

// summary renders an attempt as "pkg-status completed crashed | group:status test:status ...".
func summary(a *Attempt) string {
	var b strings.Builder
	for _, p := range a.Packages {
		b.WriteString(p.ImportPath[strings.LastIndexByte(p.ImportPath, '/')+1:] + " " + p.Status.String())
		if p.Crashed() {
			b.WriteString(" crashed")
		}
		if p.FailedWithoutTest() {
			b.WriteString(" failed-without-test")
		}
		for _, g := range p.Groups {
			b.WriteString(" | " + g.Name + "=" + g.Status().String())
			for _, t := range g.Tests[1:] {
				b.WriteString(" " + t.Name + "=" + t.Status.String())
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestTrackerRecordedStreams(t *testing.T) {
	type testCase struct {
		stream string
		want   string
	}
	run := func(t *testing.T, tc testCase) {
		got := summary(track(t, tc.stream, Options{Attempt: 1}))
		if got != tc.want {
			t.Errorf("got\n%s\nwant\n%s", got, tc.want)
		}
	}
	testCases := []testCase{
		{"ok.jsonl", "ok fail | TestPass=pass TestPass/a_b=pass TestPass/a_b#01=pass | TestSkip=skip | TestFail=fail TestFail/x=fail TestFail/y=pass | Example=pass\n"},
		{"panicky.jsonl", "panicky fail crashed | TestBefore=pass | TestPanics=error TestPanics/child=fail\n"},
		{"osexit.jsonl", "osexit fail crashed | TestBefore=pass | TestExits=error\n"},
		{"timeout.jsonl", "timeout fail crashed | TestBefore=pass | TestSlow=error TestSlow/sub=error\n"},
		{"testmainfail.jsonl", "testmainfail fail failed-without-test | TestA=pass\n"},
		{"initpanic.jsonl", "initpanic fail crashed failed-without-test\n"},
		{"buildfail.jsonl", "buildfail build failed\n"},
		{"bench.jsonl", "ok pass | BenchmarkX=pass\n"},
		{"norun.jsonl", "ok pass\n"},
		{"parentpanic.jsonl", "parentpanic fail crashed | TestParent=error TestParent/child=fail\n"},
		{"failnow.jsonl", "failnow fail | TestParent=fail TestParent/first=pass TestParent/first/inner=pass | TestNext=pass\n"},
		{"count3.jsonl", "fuzzy pass | TestRepeated=pass | FuzzReverse=pass FuzzReverse/seed#0=pass FuzzReverse/seed#1=pass\n"},
		{"fuzzy.jsonl", "fuzzy pass | TestRepeated=pass | FuzzReverse=pass FuzzReverse/seed#0=pass FuzzReverse/seed#1=pass\n"},
		{"cached.jsonl", "fuzzy pass | TestRepeated=pass | FuzzReverse=pass FuzzReverse/seed#0=pass FuzzReverse/seed#1=pass\n"},
		{"notests.jsonl", "notests skip\n"},
		{"stray.jsonl", "stray fail crashed | TestStarts=pass | TestVictim=error\n"},
		// test2json on a test binary without -p: one package, no import path.
		{"nopkg.jsonl", " fail | TestSocket=fail | TestCart=fail TestCart/add=pass TestCart/total=fail | TestOK=pass\n"},
		{"afterpass.jsonl", "afterpass fail failed-without-test | TestA=pass\n"},
		{"missingend.jsonl", "lost pass | TestParallel=pass TestParallel/a=pass\n"},
		{"failmsg.jsonl", "failmsg fail | TestSocket=fail | TestCart=fail TestCart/add=pass TestCart/total=fail | TestOK=pass\n"},
	}
	for _, tc := range testCases {
		t.Run(tc.stream, func(t *testing.T) { run(t, tc) })
	}
}

func TestTrackerDetails(t *testing.T) {
	t.Run("build output joined through FailedBuild", func(t *testing.T) {
		a := track(t, "buildfail.jsonl", Options{Attempt: 1})
		if got := a.Packages[0].BuildOutput; !strings.Contains(got, "undefined: undefined") {
			t.Errorf("BuildOutput = %q", got)
		}
	})
	t.Run("build failure of a shared dependency", func(t *testing.T) {
		a := trackString(t, `{"ImportPath":"m/dep","Action":"build-output","Output":"# m/dep\ndep.go:3: syntax error\n"}
{"ImportPath":"m/dep","Action":"build-fail"}
{"Action":"start","Package":"m/a"}
{"Action":"output","Package":"m/a","Output":"FAIL\tm/a [build failed]\n"}
{"Action":"fail","Package":"m/a","FailedBuild":"m/dep"}
{"Action":"fail","Package":"m/b","FailedBuild":"m/dep"}
`, Options{Attempt: 1})
		for _, p := range a.Packages {
			if p.Status != PackageBuildFailed || !strings.Contains(p.BuildOutput, "syntax error") {
				t.Errorf("%s: %v %q", p.ImportPath, p.Status, p.BuildOutput)
			}
		}
	})
	t.Run("a stray goroutine's panic lands on the running test", func(t *testing.T) {
		victim := track(t, "stray.jsonl", Options{Attempt: 1}).Packages[0].Group("TestVictim").Top()
		if got := victim.FailureMessage(); got != "panic: stray goroutine" {
			t.Errorf("FailureMessage = %q", got)
		}
	})
	t.Run("timeout output attached to the running test", func(t *testing.T) {
		a := track(t, "timeout.jsonl", Options{Attempt: 1})
		sub := a.Packages[0].Groups[1].Tests[1]
		if got := sub.FailureMessage(); got != "panic: test timed out after 2s" {
			t.Errorf("FailureMessage = %q", got)
		}
	})
	t.Run("passing output dropped unless kept", func(t *testing.T) {
		a := track(t, "ok.jsonl", Options{Attempt: 1})
		g := a.Packages[0].Groups[0]
		if len(g.Top().Output()) != 0 {
			t.Errorf("passing output kept: %q", g.Top().Output())
		}
		a = track(t, "ok.jsonl", Options{Attempt: 1, KeepPassingOutput: true})
		if g := a.Packages[0].Groups[0]; !strings.Contains(string(g.Top().Output()), "--- PASS: TestPass") {
			t.Errorf("passing output not kept: %q", g.Top().Output())
		}
	})
	t.Run("skip reason and failure message", func(t *testing.T) {
		p := track(t, "ok.jsonl", Options{Attempt: 1}).Packages[0]
		if got := p.Group("TestSkip").Top().SkipReason(); got != "not today" {
			t.Errorf("SkipReason = %q", got)
		}
		if got := p.Group("TestFail").Tests[1].FailureMessage(); got != "bad" {
			t.Errorf("FailureMessage = %q", got)
		}
	})
	t.Run("stream cut off mid-package", func(t *testing.T) {
		a := trackString(t, `{"Action":"run","Package":"m/a","Test":"TestA"}
{"Action":"output","Package":"m/a","Test":"TestA","Output":"working\n"}
`, Options{Attempt: 1})
		p := a.Packages[0]
		if p.Status != PackageIncomplete || p.Groups[0].Status() != Error || !p.Crashed() {
			t.Errorf("got %s", summary(a))
		}
	})
	t.Run("output cap keeps the end", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`{"Action":"run","Package":"m","Test":"T"}` + "\n")
		for i := 0; i < 100; i++ {
			b.WriteString(`{"Action":"output","Package":"m","Test":"T","Output":"0123456789"}` + "\n")
		}
		b.WriteString(`{"Action":"output","Package":"m","Test":"T","Output":"END"}` + "\n")
		b.WriteString(`{"Action":"fail","Package":"m","Test":"T"}` + "\n")
		tt := trackString(t, b.String(), Options{Attempt: 1, MaxOutput: 50}).Packages[0].Groups[0].Top()
		out, dropped := Trim(tt.Output(), 50)
		if len(out) != 50 || !strings.HasSuffix(string(out), "END") || dropped+tt.Dropped != 1003-50 {
			t.Errorf("len %d dropped %d+%d tail %q", len(out), tt.Dropped, dropped, out[len(out)-5:])
		}
	})
	t.Run("expected groups that never ran", func(t *testing.T) {
		tr := NewTracker(Options{Attempt: 2})
		tr.Expect("m/a", []string{"TestGone", "TestThere"}, "not run: the rerun selected no test")
		d := testjson.NewDecoder(strings.NewReader(`{"Action":"run","Package":"m/a","Test":"TestThere"}
{"Action":"pass","Package":"m/a","Test":"TestThere"}
{"Action":"output","Package":"m/a","Output":"PASS\n"}
{"Action":"pass","Package":"m/a"}
`))
		for d.Scan() {
			tr.Add(d.Event())
		}
		a := tr.Finish()
		if got := summary(a); got != "a pass | TestGone=not run | TestThere=pass\n" {
			t.Errorf("got %s", got)
		}
		if got := a.Packages[0].Groups[0].Top().FailureMessage(); got != "not run: the rerun selected no test" {
			t.Errorf("message %q", got)
		}
	})
	t.Run("skip message marks incremental groups", func(t *testing.T) {
		a := trackString(t, `{"Action":"run","Package":"m","Test":"TestI"}
{"Action":"run","Package":"m","Test":"TestI/b"}
{"Action":"output","Package":"m","Test":"TestI/b","Output":"    incremental.go:50: previous step \"a\" failed\n"}
{"Action":"skip","Package":"m","Test":"TestI/b"}
{"Action":"fail","Package":"m","Test":"TestI"}
`, Options{Attempt: 1})
		g := a.Packages[0].Groups[0]
		if !g.Incremental || g.Tests[1].SkipReason() != `previous step "a" failed` {
			t.Errorf("incremental %v reason %q", g.Incremental, g.Tests[1].SkipReason())
		}
	})
	t.Run("count=N: one failed repetition fails the test", func(t *testing.T) {
		a := trackString(t, `{"Action":"run","Package":"m","Test":"TestR"}
{"Action":"fail","Package":"m","Test":"TestR"}
{"Action":"run","Package":"m","Test":"TestR"}
{"Action":"pass","Package":"m","Test":"TestR"}
{"Action":"output","Package":"m","Output":"FAIL\n"}
{"Action":"fail","Package":"m"}
`, Options{Attempt: 1})
		if got := summary(a); got != "m fail | TestR=fail\n" {
			t.Errorf("got %s", got)
		}
	})
	t.Run("cached packages are marked", func(t *testing.T) {
		if p := track(t, "cached.jsonl", Options{Attempt: 1}).Packages[0]; !p.Cached {
			t.Error("cached stream not marked cached")
		}
	})
	t.Run("packages that never started", func(t *testing.T) {
		tr := NewTracker(Options{Attempt: 1})
		d := testjson.NewDecoder(strings.NewReader(`{"Action":"start","Package":"m/a"}
{"Action":"pass","Package":"m/a"}
`))
		for d.Scan() {
			tr.Add(d.Event())
		}
		tr.NotStarted([]string{"m/a", "m/b"}, "not run: -failfast")
		a := tr.Finish()
		if got := summary(a); got != "a pass\nb not run\n" {
			t.Errorf("got %q", got)
		}
		r := &Report{}
		r.Add(a)
		if !r.Failed() {
			t.Error("a package that never ran must fail the run")
		}
	})
	t.Run("attr marks incremental groups and unknown actions count for nothing", func(t *testing.T) {
		a := trackString(t, `{"Action":"run","Package":"m","Test":"TestI"}
{"Action":"attr","Package":"m","Test":"TestI","Key":"gorerun.incremental","Value":"true"}
{"Action":"artifacts","Package":"m","Test":"TestI","Path":"/tmp/x"}
{"Action":"future","Package":"m","Test":"TestI"}
{"Action":"pass","Package":"m","Test":"TestI"}
{"Action":"output","Package":"m","Output":"PASS\n"}
{"Action":"pass","Package":"m"}
`, Options{Attempt: 1})
		g := a.Packages[0].Groups[0]
		if !g.Incremental || g.Status() != Pass {
			t.Errorf("incremental %v status %v", g.Incremental, g.Status())
		}
	})
}

func TestTrackerTrustRegressions(t *testing.T) {
	t.Run("a stream whose only test fails without Package fails", func(t *testing.T) {
		a := trackString(t, `{"Action":"start"}
{"Action":"run","Test":"TestX"}
{"Action":"output","Test":"TestX","Output":"    x_test.go:3: broken\n"}
{"Action":"fail","Test":"TestX","Elapsed":0.1}
{"Action":"output","Output":"FAIL\n"}
{"Action":"fail","Elapsed":0.2}
`, Options{Attempt: 1})
		r := &Report{}
		r.Add(a)
		if c := r.Counts(); c.Tests != 1 || c.Failed != 1 || !r.Failed() {
			t.Errorf("counts %+v failed %v", c, r.Failed())
		}
	})
	t.Run("non-JSON lines stay loose output", func(t *testing.T) {
		tr := NewTracker(Options{Attempt: 1})
		tr.Add(&testjson.Event{Action: testjson.ActionOutput, Output: "noise\n", NotJSON: true})
		a := tr.Finish()
		if len(a.Packages) != 0 || string(a.Output) != "noise\n" {
			t.Errorf("packages %d output %q", len(a.Packages), a.Output)
		}
	})
	t.Run("a panic after PASS is a crash outside any test", func(t *testing.T) {
		p := track(t, "afterpass.jsonl", Options{Attempt: 1}).Packages[0]
		if !p.Panicked || !p.FailedWithoutTest() {
			t.Errorf("panicked %v failed-without-test %v", p.Panicked, p.FailedWithoutTest())
		}
		if p := track(t, "testmainfail.jsonl", Options{Attempt: 1}).Packages[0]; p.Panicked {
			t.Error("TestMain exiting 1 is not a panic")
		}
	})
	t.Run("a subtest without an end event under a passed parent passed", func(t *testing.T) {
		a := trackString(t, `{"Action":"start","Package":"m"}
{"Action":"run","Package":"m","Test":"TestP"}
{"Action":"run","Package":"m","Test":"TestP/lost"}
{"Action":"run","Package":"m","Test":"TestP/lost/deeper"}
{"Action":"pass","Package":"m","Test":"TestP"}
{"Action":"output","Package":"m","Output":"PASS\n"}
{"Action":"pass","Package":"m"}
`, Options{Attempt: 1})
		if got := summary(a); got != "m pass | TestP=pass TestP/lost=pass TestP/lost/deeper=pass\n" {
			t.Errorf("got %s", got)
		}
	})
	t.Run("failure message", func(t *testing.T) {
		type testCase struct {
			name, stream, want string
		}
		run := func(t *testing.T, tc testCase) {
			p := trackString(t, tc.stream, Options{Attempt: 1}).Packages[0]
			if got := p.Groups[0].Top().FailureMessage(); got != tc.want {
				t.Errorf("FailureMessage = %q, want %q", got, tc.want)
			}
		}
		ev := func(out, typ string) string {
			o, _ := json.Marshal(out)
			if typ != "" {
				typ = `,"OutputType":"` + typ + `"`
			}
			return `{"Action":"output","Package":"m","Test":"TestX","Output":` + string(o) + typ + "}\n"
		}
		head := `{"Action":"run","Package":"m","Test":"TestX"}` + "\n" + ev("=== RUN   TestX\n", "frame")
		tail := ev("--- FAIL: TestX (0.00s)\n", "frame") + `{"Action":"fail","Package":"m","Test":"TestX"}` + "\n"
		testCases := []testCase{
			{"the last message, not the first log line",
				head + ev("    x_test.go:3: waiting on socket\n", "") + ev("    x_test.go:4: assertion failed: got 1\n", "") + ev("        want 2\n", "") + tail,
				"assertion failed: got 1\nwant 2"},
			{"OutputType error wins over later logs",
				head + ev("    x_test.go:3: waiting\n", "") + ev("    x_test.go:4: real failure\n", "error") + ev("        detail\n", "error-continue") +
					ev("    x_test.go:5: cleanup\n", "") + ev("    x_test.go:6: second failure\n", "error") + tail,
				"real failure\ndetail"},
			{"never the RUN line", head + tail, "Failed"},
			{"plain output without file:line", head + ev("something broke\n", "") + tail, "something broke"},
		}
		for _, tc := range testCases {
			t.Run(tc.name, func(t *testing.T) { run(t, tc) })
		}
	})
	t.Run("recorded assertion is the message", func(t *testing.T) {
		p := track(t, "failmsg.jsonl", Options{Attempt: 1}).Packages[0]
		if got := p.Group("TestSocket").Top().FailureMessage(); got != "assertion failed: got 1\nwant 2" {
			t.Errorf("FailureMessage = %q", got)
		}
	})
}

func TestCountsFollowTheLastRunOfEachTest(t *testing.T) {
	// gotestsum reruns only the failed subtest: TestF/ok ran in attempt 1 only.
	r := &Report{}
	r.Add(trackString(t, `{"Action":"run","Package":"m","Test":"TestF"}
{"Action":"run","Package":"m","Test":"TestF/ok"}
{"Action":"pass","Package":"m","Test":"TestF/ok"}
{"Action":"run","Package":"m","Test":"TestF/bad"}
{"Action":"fail","Package":"m","Test":"TestF/bad"}
{"Action":"fail","Package":"m","Test":"TestF"}
{"Action":"output","Package":"m","Output":"FAIL\n"}
{"Action":"fail","Package":"m"}
`, Options{Attempt: 1}))
	r.Add(trackString(t, `{"Action":"run","Package":"m","Test":"TestF"}
{"Action":"run","Package":"m","Test":"TestF/bad"}
{"Action":"pass","Package":"m","Test":"TestF/bad"}
{"Action":"pass","Package":"m","Test":"TestF"}
{"Action":"output","Package":"m","Output":"PASS\n"}
{"Action":"pass","Package":"m"}
`, Options{Attempt: 2}))
	c := r.Counts()
	if c.Tests != 3 || c.Passed != 3 || c.FlakyGroups != 1 || r.Failed() {
		t.Errorf("counts %+v failed %v", c, r.Failed())
	}
}

func TestCompactedGroupsCountOnceAcrossRuns(t *testing.T) {
	r := &Report{}
	a1 := track(t, "ok.jsonl", Options{Attempt: 1})
	a1.Packages[0].Compact(nil)
	r.Add(a1)
	r.Add(track(t, "ok.jsonl", Options{Attempt: 2})) // the same package again, whole
	if c := r.Counts(); c.Tests != 8 || c.Groups != 4 {
		t.Errorf("counts %+v, want 8 tests in 4 groups", c)
	}
}

func TestCompactKeepsCountsAndFailures(t *testing.T) {
	a := track(t, "ok.jsonl", Options{Attempt: 1})
	r := &Report{}
	r.Add(a)
	before := r.Counts()
	a.Packages[0].Compact(nil)
	after := r.Counts()
	if before != after {
		t.Errorf("counts changed: %+v -> %+v", before, after)
	}
	if got := summary(a); got != "ok fail | TestSkip=skip | TestFail=fail TestFail/x=fail TestFail/y=pass\n" {
		t.Errorf("after Compact: %s", got)
	}
}

// TestGroupStatusIsTheWorstOfItsTests: a group's status comes from every
// test in it, not from the top-level test alone.
func TestGroupStatusIsTheWorstOfItsTests(t *testing.T) {
	type testCase struct {
		name   string
		stream string
		want   Status
	}
	run := func(t *testing.T, tc testCase) {
		g := trackString(t, tc.stream, Options{Attempt: 1}).Packages[0].Groups[0]
		if got := g.Status(); got != tc.want {
			t.Errorf("group status %v, want %v (%s)", got, tc.want, summary(&Attempt{Packages: []*Package{{ImportPath: "m", Groups: []*Group{g}}}}))
		}
	}
	sub := `{"Action":"run","Package":"m","Test":"TestP"}
{"Action":"run","Package":"m","Test":"TestP/a"}
`
	end := `{"Action":"output","Package":"m","Output":"FAIL\n"}
{"Action":"fail","Package":"m"}
`
	testCases := []testCase{
		{"subtest fails, parent says pass", sub + `{"Action":"fail","Package":"m","Test":"TestP/a"}
{"Action":"pass","Package":"m","Test":"TestP"}
` + end, Fail},
		{"subtest fails, parent's event missing", sub + `{"Action":"fail","Package":"m","Test":"TestP/a"}
` + end, Error},
		{"subtest crashes under a passing parent", `{"Action":"run","Package":"m","Test":"TestP"}
{"Action":"run","Package":"m","Test":"TestP/a"}
{"Action":"run","Package":"m","Test":"TestP/b"}
{"Action":"output","Package":"m","Test":"TestP/b","Output":"panic: boom\n"}
{"Action":"fail","Package":"m","Test":"TestP/b"}
{"Action":"pass","Package":"m","Test":"TestP/a"}
{"Action":"output","Package":"m","Output":"FAIL\tm\t0.1s\n"}
{"Action":"fail","Package":"m"}
`, Error},
		{"skipped subtest under a passing parent", sub + `{"Action":"skip","Package":"m","Test":"TestP/a"}
{"Action":"pass","Package":"m","Test":"TestP"}
{"Action":"output","Package":"m","Output":"PASS\n"}
{"Action":"pass","Package":"m"}
`, Pass},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

// TestCompactedPackageStillFindsWhatItKept: after most of a package's
// groups are compacted (its lookups move to smaller maps), the kept groups
// and tests are found and the dropped ones are not, also through the
// tracker's caches, which a later event of the same package uses.
func TestCompactedPackageStillFindsWhatItKept(t *testing.T) {
	var b strings.Builder
	for i := range 40 {
		status := "pass"
		if i%10 == 3 {
			status = "fail"
		}
		fmt.Fprintf(&b, `{"Action":"run","Package":"m","Test":"TestG%02d"}`+"\n", i)
		fmt.Fprintf(&b, `{"Action":"run","Package":"m","Test":"TestG%02d/sub"}`+"\n", i)
		fmt.Fprintf(&b, `{"Action":"output","Package":"m","Test":"TestG%02d/sub","Output":"log %d\n"}`+"\n", i, i)
		fmt.Fprintf(&b, `{"Action":"%s","Package":"m","Test":"TestG%02d/sub"}`+"\n", status, i)
		fmt.Fprintf(&b, `{"Action":"%s","Package":"m","Test":"TestG%02d"}`+"\n", status, i)
	}
	tr := NewTracker(Options{Attempt: 1, KeepPassingOutput: false})
	d := testjson.NewDecoder(strings.NewReader(b.String()))
	for d.Scan() {
		tr.Add(d.Event())
	}
	p := tr.Package("m")
	p.Compact(nil)
	if len(p.Groups) != 4 {
		t.Fatalf("%d groups kept, want 4", len(p.Groups))
	}
	for i := range 40 {
		name := fmt.Sprintf("TestG%02d/sub", i)
		if kept := i%10 == 3; (p.Test(name) != nil) != kept || (p.Group(fmt.Sprintf("TestG%02d", i)) != nil) != kept {
			t.Fatalf("%s found %v after Compact, kept %v", name, p.Test(name) != nil, kept)
		}
	}
	// A later output line of a kept test reaches it, not a stale copy.
	tr.Add(&testjson.Event{Action: testjson.ActionOutput, Package: "m", Test: "TestG13/sub", Output: "more\n"})
	if got := string(p.Test("TestG13/sub").Output()); got != "log 13\nmore\n" {
		t.Fatalf("output of a kept test after Compact: %q", got)
	}
}

// A compacted package's kept tests move their output to the spool: they
// read the same from it, and a test that gets output after compaction
// (a stream that runs the package again) keeps all of it.
func TestCompactMovesOutputToTheSpool(t *testing.T) {
	var b strings.Builder
	long := strings.Repeat("x", 6*40)
	for i := range 6 {
		status := []string{"pass", "fail", "skip"}[i%3]
		fmt.Fprintf(&b, `{"Action":"run","Package":"m","Test":"TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG%d"}`+"\n", i)
		fmt.Fprintf(&b, `{"Action":"output","Package":"m","Test":"TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG%d","Output":"=== RUN   TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG%d\n"}`+"\n", i, i)
		fmt.Fprintf(&b, `{"Action":"output","Package":"m","Test":"TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG%d","Output":"    g_test.go:%d: why %d %s\n"}`+"\n", i, i, i, long[:i*40])
		fmt.Fprintf(&b, `{"Action":"output","Package":"m","Test":"TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG%d","Output":"--- %s: TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG%d (0.00s)\n"}`+"\n", i, strings.ToUpper(status), i)
		fmt.Fprintf(&b, `{"Action":"%s","Package":"m","Test":"TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG%d"}`+"\n", status, i)
	}
	b.WriteString(`{"Action":"fail","Package":"m"}` + "\n")
	stream := b.String()
	want := trackString(t, stream, Options{Attempt: 1}).Packages[0]

	tr := NewTracker(Options{Attempt: 1})
	d := testjson.NewDecoder(strings.NewReader(stream))
	for d.Scan() {
		tr.Add(d.Event())
	}
	p := tr.Package("m")
	sp := spool.New(t.TempDir())
	defer sp.Close()
	p.Compact(sp)
	if p.groups != nil || p.tests != nil {
		t.Error("Compact kept the lookups by name (built again when needed)")
	}
	if len(p.Groups) != 0 || p.kept == nil {
		t.Fatalf("Compact left %d groups in memory, want them in the spool", len(p.Groups))
	}
	// A lookup by name reads them back (as Tracker.Finish does).
	if p.Group("TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG1") == nil || p.Test("TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG1") == nil || p.Group("TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG0") != nil || p.Test("TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG0") != nil {
		t.Error("a compacted package finds the wrong groups by name")
	}
	if len(p.Groups) != 4 {
		t.Fatalf("%d groups kept, want 4 (failed and skipped)", len(p.Groups))
	}
	moved := 0
	for _, g := range p.Groups {
		tst, w := g.Top(), want.Test(g.Name)
		if tst.OutputLen() >= minSpooled {
			if tst.out != nil || tst.spooled == nil {
				t.Errorf("%s: %d bytes of output still in memory", tst.Name, tst.OutputLen())
			}
			moved++
		}
		if got := string(tst.Output()); got != string(w.Output()) || tst.OutputLen() != len(w.Output()) {
			t.Errorf("%s: Output %q (len %d), want %q", tst.Name, got, tst.OutputLen(), w.Output())
		}
		if got := string(tst.AppendOutput([]byte("> "))); got != "> "+string(w.Output()) {
			t.Errorf("%s: AppendOutput %q", tst.Name, got)
		}
		if tst.FailureMessage() != w.FailureMessage() || tst.SkipReason() != w.SkipReason() {
			t.Errorf("%s: message %q reason %q, want %q %q", tst.Name, tst.FailureMessage(), tst.SkipReason(), w.FailureMessage(), w.SkipReason())
		}
	}
	if moved < 2 || sp.Size() == 0 {
		t.Fatalf("%d outputs moved, spool holds %d bytes", moved, sp.Size())
	}
	// The names of the dropped groups went to the spool too, and come back.
	if p.Compacted.names != nil || p.Compacted.spooled == nil {
		t.Error("the names of the dropped groups stayed in memory")
	}
	var names []string
	for g := range p.CompactedGroups {
		names = append(names, fmt.Sprintf("%s:%d", g.Name, g.Tests))
	}
	if got := strings.Join(names, " "); got != "TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG0:1 TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG3:1" {
		t.Errorf("dropped groups read back: %q", got)
	}
	// The package runs again: a new passing group is dropped after them.
	tr.Add(&testjson.Event{Action: testjson.ActionRun, Package: "m", Test: "TestNew"})
	tr.Add(&testjson.Event{Action: testjson.ActionPass, Package: "m", Test: "TestNew"})
	p.Compact(sp)
	names = names[:0]
	for g := range p.CompactedGroups {
		names = append(names, g.Name)
	}
	if got := strings.Join(names, " "); got != "TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG0 TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG3 TestNew" || p.Compacted.Groups != 3 {
		t.Errorf("dropped groups after a second compaction: %q (%d)", got, p.Compacted.Groups)
	}
	tr.Add(&testjson.Event{Action: testjson.ActionOutput, Package: "m", Test: "TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG4", Output: "again\n"})
	if got, w := string(p.Test("TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG4").Output()), string(want.Test("TestLoooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooongG4").Output())+"again\n"; got != w {
		t.Fatalf("output after compaction: %q, want %q", got, w)
	}
}

func TestFreezeSharesPackagesUntilAdd(t *testing.T) {
	r := &Report{}
	r.Add(track(t, "ok.jsonl", Options{Attempt: 1}))
	if a, b := r.Packages(), r.Packages(); &a[0] == &b[0] {
		t.Fatal("Packages before Freeze shares its result: a changing report would be read stale")
	}
	r.Freeze()
	a, b := r.Packages(), r.Packages()
	if &a[0] != &b[0] || len(a) != 1 {
		t.Fatalf("after Freeze, Packages builds the histories again (%d packages)", len(a))
	}
	r.Add(track(t, "ok.jsonl", Options{Attempt: 2}))
	if c := r.Packages(); &c[0] == &a[0] || len(c[0].Runs) != 2 {
		t.Fatalf("after Add, Packages is stale: %d runs of the package", len(c[0].Runs))
	}
}

// TestGroupWallIsItsSpan: a group's Wall runs from its top-level test's
// run event to the last end of its tests; without times it is Elapsed.
func TestGroupWallIsItsSpan(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      time.Duration
	}{
		{"parallel subtests", `{"Time":"2026-12-01T10:00:00Z","Action":"run","Package":"m/p","Test":"TestDiff"}
{"Time":"2026-12-01T10:00:00.01Z","Action":"run","Package":"m/p","Test":"TestDiff/a"}
{"Time":"2026-12-01T10:00:04.51Z","Action":"pass","Package":"m/p","Test":"TestDiff/a","Elapsed":4.5}
{"Time":"2026-12-01T10:00:04.52Z","Action":"pass","Package":"m/p","Test":"TestDiff","Elapsed":0.04}
{"Time":"2026-12-01T10:00:04.53Z","Action":"pass","Package":"m/p","Elapsed":5}
`, 4520 * time.Millisecond},
		{"no times", `{"Action":"run","Package":"m/p","Test":"TestDiff"}
{"Action":"pass","Package":"m/p","Test":"TestDiff","Elapsed":0.04}
{"Action":"pass","Package":"m/p","Elapsed":5}
`, 40 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := trackString(t, tc.src, Options{})
			g := a.Packages[0].Group("TestDiff")
			if got := g.Wall(); got != tc.want {
				t.Errorf("Wall = %v, want %v", got, tc.want)
			}
		})
	}
}

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
	"github.com/gorerun/gorerun/testjson"
)

const (
	flakyAttempt1 = "flaky-attempt1.jsonl" // hand-written: TestF/step fails
	flakyAttempt2 = "flaky-attempt2.jsonl" // and passes on the rerun
)

// play feeds attempts through a Terminal as the runner would and returns
// what it printed.
func play(t *testing.T, opts Options, attempts ...string) string {
	t.Helper()
	var out bytes.Buffer
	term := NewTerminal(&out, opts)
	report := &grouping.Report{}
	for i, src := range attempts {
		n := i + 1
		if n > 1 {
			term.Round(grouping.PlanResult{Round: n, Rerun: n - 1, Reruns: []grouping.Rerun{{Package: "m/p"}}, Groups: 1, Failed: 1})
		}
		report.Add(streamtest.Attempt(t, n, src, grouping.Options{}, func(ev *testjson.Event, line []byte, p *grouping.Package) {
			term.Event(n, ev, line, p)
		}))
	}
	term.Summary(report, 1234*time.Millisecond)
	return out.String()
}

func TestGolden(t *testing.T) {
	type testCase struct {
		name     string
		opts     Options
		attempts []string
	}
	run := func(t *testing.T, tc testCase) {
		got := play(t, tc.opts, tc.attempts...)
		golden.Assert(t, []byte(got), filepath.Join("testdata", tc.name+".out"))
	}
	var testCases []testCase
	for _, f := range Formats {
		testCases = append(testCases, testCase{name: f, opts: Options{Format: f}, attempts: []string{"ok.jsonl"}})
	}
	rerun := []string{flakyAttempt1, flakyAttempt2}
	testCases = append(testCases,
		testCase{"rerun-pkgname", Options{Format: "pkgname", Plan: grouping.PlanOptions{MaxReruns: 2}}, rerun},
		testCase{"rerun-testname", Options{Format: "testname", Plan: grouping.PlanOptions{MaxReruns: 2}}, rerun},
		testCase{"rerun-hide-details", Options{Format: "testname", Plan: grouping.PlanOptions{MaxReruns: 2}, HideRerunDetails: true}, rerun},
		testCase{"rerun-only-last", Options{Format: "testname", Plan: grouping.PlanOptions{MaxReruns: 2}, OnlyLast: true}, rerun},
		testCase{"rerun-only-last-pkgname", Options{Format: "pkgname", Plan: grouping.PlanOptions{MaxReruns: 2}, OnlyLast: true}, rerun},
		testCase{"color", Options{Format: "pkgname", Color: true, Plan: grouping.PlanOptions{MaxReruns: 2}}, rerun},
		testCase{"build-failure", Options{Format: "pkgname"}, []string{"buildfail.jsonl"}},
		testCase{"crash", Options{Format: "pkgname"}, []string{"osexit.jsonl"}},
		testCase{"timeout", Options{Format: "pkgname", MaxOutput: 300}, []string{"timeout.jsonl"}},
		testCase{"icons-text", Options{Format: "pkgname", Icons: "text"}, []string{"ok.jsonl"}},
		testCase{"icons-hivis-empty", Options{Format: "pkgname", Icons: "hivis"}, []string{"notests.jsonl"}},
		testCase{"hide-empty", Options{Format: "pkgname", HideEmptyPackages: true}, []string{"notests.jsonl"}},
		testCase{"relative-testdox", Options{Format: "testdox", ModulePath: "example.com/shapes", Icons: "text"}, []string{"ok.jsonl"}},
		testCase{"relative-testname", Options{Format: "testname", ModulePath: "example.com/shapes"}, []string{"ok.jsonl"}},
		testCase{"hide-summary-skipped-output", Options{Format: "pkgname", Hide: HideSkipped | HideOutput}, []string{"ok.jsonl"}},
		testCase{"dots-v2-terminal", Options{Format: "dots-v2", Width: 40}, []string{"ok.jsonl"}},
		testCase{"github-actions-testname", Options{Format: "testname", GitHubActions: true}, []string{"ok.jsonl"}},
	)
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestHiddenDetailsNeverShowEarlierOutput(t *testing.T) {
	for _, f := range Formats {
		if f == "standard-verbose" || f == "standard-quiet" {
			continue // these print go test's own output as it comes
		}
		got := play(t, Options{Format: f, Plan: grouping.PlanOptions{MaxReruns: 2}, HideRerunDetails: true}, flakyAttempt1, flakyAttempt2)
		if strings.Contains(got, "timed out talking to db") {
			t.Errorf("%s: output of a rerun attempt shown with --hide-rerun-details:\n%s", f, got)
		}
	}
}

func TestParseHideSummary(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want HideSummary
		ok   bool
	}{
		{"", 0, true}, {"none", 0, true}, {"skipped", HideSkipped, true},
		{"skipped,failed,errors,output", HideSkipped | HideFailed | HideErrors | HideOutput, true},
		{"all", HideSkipped | HideFailed | HideErrors | HideOutput, true},
		{"skipped,bogus", 0, false},
	} {
		got, err := ParseHideSummary(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseHideSummary(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestValidFormatAcceptsGotestsumNames(t *testing.T) {
	for _, name := range []string{"short", "short-verbose", "short-with-failures", "dots-v1", "gotestdox", "github-action", "testdox"} {
		if !ValidFormat(name) {
			t.Errorf("%s refused", name)
		}
	}
	if ValidFormat("fancy") {
		t.Error("fancy accepted")
	}
}

// shuffled is an attempt of m/s: TestA and TestB, in the order seed gave,
// TestB ending with result.
func shuffled(seed, result string) string {
	return `{"Action":"output","Package":"m/s","Output":"-test.shuffle ` + seed + `\n"}
{"Action":"run","Package":"m/s","Test":"TestA"}
{"Action":"pass","Package":"m/s","Test":"TestA","Elapsed":0}
{"Action":"run","Package":"m/s","Test":"TestB"}
{"Action":"` + result + `","Package":"m/s","Test":"TestB","Elapsed":0}
{"Action":"` + result + `","Package":"m/s","Elapsed":0}
`
}

func TestSummaryGivesOrderAndReproduction(t *testing.T) {
	repro := func(ph *grouping.PackageHistory, h *grouping.History) string { return "REPRO " + h.Name }
	onlyB := `{"Action":"output","Package":"m/s","Output":"-test.shuffle 3\n"}
{"Action":"run","Package":"m/s","Test":"TestB"}
{"Action":"fail","Package":"m/s","Test":"TestB","Elapsed":0}
{"Action":"fail","Package":"m/s","Elapsed":0}
`
	for _, tc := range []struct {
		name       string
		attempts   []string
		want, miss []string
	}{
		{name: "passed under another order than its failure's",
			attempts: []string{shuffled("1", "fail"), shuffled("2", "pass")},
			want:     []string{"TestB passed on attempt 2 under another order (-shuffle=2; it failed with -shuffle=1)", "reproduce: REPRO TestB"}},
		{name: "failed alone: its order could not matter",
			attempts: []string{onlyB, shuffled("2", "pass")},
			want:     []string{"TestB passed on attempt 2\n"}, miss: []string{"another order"}},
		{name: "failed every attempt: the command under its failure",
			attempts: []string{shuffled("1", "fail"), shuffled("2", "fail")},
			want:     []string{"=== FAIL: s TestB", "reproduce: REPRO TestB"}, miss: []string{"another order"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := play(t, Options{Format: "pkgname", Reproduce: repro, Plan: grouping.PlanOptions{MaxReruns: 1}, ModulePath: "m"}, tc.attempts...)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, m := range tc.miss {
				if strings.Contains(out, m) {
					t.Errorf("output holds %q:\n%s", m, out)
				}
			}
		})
	}
}

// TestParentsReasonInItsSubtests: in a stream of go before 1.20, a parent
// that failed after its subtest passed has its log lines attributed to the
// subtest; they are its reason, shown as gotestsum shows them.
func TestParentsReasonInItsSubtests(t *testing.T) {
	out := play(t, Options{Format: "pkgname"}, `{"Action":"run","Package":"m/p","Test":"TestParent"}
{"Action":"output","Package":"m/p","Test":"TestParent","Output":"=== RUN   TestParent\n"}
{"Action":"run","Package":"m/p","Test":"TestParent/child"}
{"Action":"output","Package":"m/p","Test":"TestParent/child","Output":"=== RUN   TestParent/child\n"}
{"Action":"output","Package":"m/p","Test":"TestParent","Output":"--- FAIL: TestParent (0.00s)\n"}
{"Action":"output","Package":"m/p","Test":"TestParent/child","Output":"    --- PASS: TestParent/child (0.00s)\n"}
{"Action":"output","Package":"m/p","Test":"TestParent/child","Output":"        p_test.go:9: the child's line\n"}
{"Action":"output","Package":"m/p","Test":"TestParent/child","Output":"    p_test.go:12: the parent's reason\n"}
{"Action":"pass","Package":"m/p","Test":"TestParent/child"}
{"Action":"fail","Package":"m/p","Test":"TestParent"}
{"Action":"fail","Package":"m/p"}
`)
	want := `=== FAIL: m/p TestParent (0.00s)
    --- PASS: TestParent/child (0.00s)
        p_test.go:9: the child's line
    p_test.go:12: the parent's reason
--- FAIL: TestParent (0.00s)
`
	if !strings.Contains(out, want) {
		t.Errorf("summary lacks\n%s\nin\n%s", want, out)
	}
}

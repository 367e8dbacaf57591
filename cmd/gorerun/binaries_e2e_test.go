package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// timesAside removes from a JUnit report what differs between two runs
// of the same tests: times, durations, hosts, addresses in stack traces.
func timesAside(report string) string {
	for _, r := range []struct{ re, with string }{
		{` time="[^"]*"`, ``},
		{`<property name="(timestamp|hostname)" value="[^"]*">`, `<property name="$1" value="X">`},
		{`\d+(\.\d+)?(ns|µs|ms|s|m)\b`, `D`},
		{`0x[0-9a-f]+`, `0x`},
		{`goroutine \d+`, `goroutine N`},
	} {
		report = regexp.MustCompile(r.re).ReplaceAllString(report, r.with)
	}
	return report
}

// TestE2EKeptBinariesMatchGoTest runs the flaky, crashing, incremental and
// timeout fixtures twice: rerunning the test binaries the first round kept
// (through test2json), and through go test for every process
// (GORERUN_KEEP_BINARIES=0). The reports are the same, times aside.
func TestE2EKeptBinariesMatchGoTest(t *testing.T) {
	t.Parallel()
	run := func(env ...string) (string, result) {
		out := filepath.Join(t.TempDir(), "r.xml")
		r := gorerun(t, fixture("e2e"), env, "", "--rerun-class-max=2", "--rerun-delay=0", "--debug",
			"--junitfile", out, "./basic", "./crash", "./incr", "./hang", "--", "-timeout", "5s")
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return timesAside(string(b)), r
	}
	kept, k := run()
	plain, p := run("GORERUN_KEEP_BINARIES=0")
	if !strings.Contains(k.stderr, "/crash.test -test.paniconexit0 ") {
		t.Errorf("the reruns did not run the kept binaries:\n%s", k.stderr)
	}
	if strings.Contains(p.stderr, ".test -test.paniconexit0") {
		t.Errorf("GORERUN_KEEP_BINARIES=0 ran a kept binary:\n%s", p.stderr)
	}
	if k.code != 1 || p.code != 1 {
		t.Errorf("exit codes %d (kept) and %d (go test), want 1 (TestBrokenLogin fails every attempt)", k.code, p.code)
	}
	if kept != plain {
		t.Errorf("the reports differ:\n--- kept binaries\n%s\n--- go test\n%s", kept, plain)
	}
	for _, want := range []string{`name="TestWholeGroup/check"`, `<flakyError`, `TestHangs/sub`, `previous step`} {
		if !strings.Contains(kept, want) {
			t.Errorf("the report lacks %s:\n%s", want, kept)
		}
	}
}

package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
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
	run := func(t *testing.T, env ...string) (string, result) {
		out := filepath.Join(t.TempDir(), "r.xml")
		r := gorerun(t, fixture("e2e"), env, "", "--rerun-class-max=2", "--rerun-delay=0", "--debug",
			"--junitfile", out, "./basic", "./crash", "./incr", "./hang", "--", "-timeout", "3s")
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return timesAside(string(b)), r
	}
	// The two runs are independent (each has its own state): at once.
	var kept, plain string
	var k, p result
	t.Run("runs", func(t *testing.T) {
		t.Run("kept binaries", func(t *testing.T) { t.Parallel(); kept, k = run(t) })
		t.Run("go test", func(t *testing.T) { t.Parallel(); plain, p = run(t, "GORERUN_KEEP_BINARIES=0") })
	})
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

// keptRerun reports whether a run's --debug output shows a rerun of a kept
// test binary of pkg (its last import path element).
func keptRerun(stderr, pkg string) bool {
	return strings.Contains(stderr, "/"+pkg+".test -test.paniconexit0 ")
}

// TestE2EKeptBinariesWithGoTestFlags reruns a flaky group through the kept
// binary under each go test flag a user may pass: the rerun honours it,
// and the group passes on its second attempt as through go test.
func TestE2EKeptBinariesWithGoTestFlags(t *testing.T) {
	t.Parallel()
	// The test flags share one run (each is checked in the binary's
	// arguments); -race and -cover build other binaries, -C runs elsewhere.
	for _, tc := range []struct {
		name   string
		args   []string // after the package
		checks []string // in the output
	}{
		{name: "test flags", args: []string{"--", "-tags", "integration", "-count=2", "-timeout", "1m", "-shuffle", "1",
			"-run", "TestWhole", "-skip", "TestNothing", "-args", "positional"},
			checks: []string{"-test.count=2", "-test.timeout=1m", "-test.shuffle=1", "-test.run=TestWhole -test.skip=TestNothing",
				"-test.run=^(?:TestWholeGroup)$ positional"}},
		{name: "-race", args: []string{"--", "-race"}},
		{name: "-cover", args: []string{"--", "-cover"}, checks: []string{"coverage:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"--rerun-class-max=1", "--rerun-delay=0", "--debug", "--format=standard-verbose", "./basic"}, tc.args...)
			r := gorerun(t, fixture("e2e"), nil, "", args...)
			r.expectCode(t, 0)
			r.expectOutput(t, "FLAKY", "TestWholeGroup")
			if !keptRerun(r.stderr, "basic") {
				t.Errorf("the rerun did not run the kept binary:\n%s", r.stderr)
			}
			for _, check := range tc.checks {
				if !strings.Contains(r.stdout+r.stderr, check) {
					t.Errorf("output lacks %q:\n%s%s", check, r.stdout, r.stderr)
				}
			}
		})
	}
	t.Run("-C", func(t *testing.T) {
		t.Parallel()
		r := gorerun(t, t.TempDir(), nil, "", "-C", fixture("e2e"), "--rerun-class-max=1", "--rerun-delay=0", "--debug", "./basic")
		r.expectCode(t, 0)
		if !keptRerun(r.stderr, "basic") || !strings.Contains(r.stderr, "(in "+filepath.Join(fixture("e2e"), "basic")+")") {
			t.Errorf("the rerun did not run the kept binary in the package's directory:\n%s", r.stderr)
		}
	})
}

// TestE2EExecRerunsThroughGoTest: a binary that go test runs through
// -exec cannot be rerun directly; every process goes through go test, and
// the flaky group still passes on its rerun.
func TestE2EExecRerunsThroughGoTest(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "--debug", "./basic", "--", "-exec", "env")
	r.expectCode(t, 0)
	r.expectOutput(t, "FLAKY")
	if keptRerun(r.stderr, "basic") || !strings.Contains(r.stderr, "every process runs through go test: flag -exec needs go test") {
		t.Errorf("-exec: the reruns must go through go test:\n%s", r.stderr)
	}
	if n := strings.Count(r.stderr, "gorerun: debug: go test -json") - strings.Count(r.stderr, "debug: go test -json: took"); n != 2 {
		t.Errorf("%d go test processes, want 2 (the first run and the rerun):\n%s", n, r.stderr)
	}
}

// TestE2EKeptBinariesLeaveNothing: the kept binaries live in one temporary
// directory, removed when the run ends, also when it is interrupted, and
// nothing is written into the module.
func TestE2EKeptBinariesLeaveNothing(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	leftovers := func() []string {
		t.Helper()
		found, _ := filepath.Glob(filepath.Join(tmp, "gorerun-bin-*"))
		return found
	}
	// Without GORERUN_BINARIES_DIR (which the other tests share).
	r := gorerun(t, fixture("e2e"), []string{"TMPDIR=" + tmp, "GORERUN_BINARIES_DIR="}, "", "--rerun-class-max=1", "--rerun-delay=0", "--debug", "./basic")
	r.expectCode(t, 0)
	if !keptRerun(r.stderr, "basic") || !strings.Contains(r.stderr, "-o "+tmp+"/gorerun-bin-") {
		t.Errorf("the run did not keep its binaries in TMPDIR:\n%s", r.stderr)
	}
	if found := leftovers(); len(found) > 0 {
		t.Errorf("left behind: %v", found)
	}
	s := startUntil(t, "stubborn: waiting", []string{"GORERUN_E2E_STUBBORN=1", "TMPDIR=" + tmp, "GORERUN_BINARIES_DIR="}, "--format=standard-verbose", "--rerun-class-max=1", "./stubborn")
	syscall.Kill(s.cmd.Process.Pid, syscall.SIGINT)
	s.wait(t).expectCode(t, 130)
	if found := leftovers(); len(found) > 0 {
		t.Errorf("an interrupted run left behind: %v", found)
	}
	out, err := exec.Command("git", "-C", fixture("e2e"), "status", "--porcelain", "--untracked-files=all", ".").CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("the fixture module changed: %v\n%s", err, out)
	}
}

// TestE2EKeptBinariesLinkLikeGoTest: the binaries gorerun keeps (a first
// round's go test -o, the go test -c of --workers) link as the ones go test
// runs and throws away: without symbol table and DWARF (-ldflags=-s -w),
// which makes each link a fifth faster. A user's -ldflags, on the command
// line or in GOFLAGS, replaces that and stays as they wrote it.
func TestE2EKeptBinariesLinkLikeGoTest(t *testing.T) {
	t.Parallel()
	// What go env -w writes; the GOFLAGS of the environment (the suite's
	// -vet=off) would replace it.
	goenv := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(goenv, []byte("GOFLAGS=-ldflags=-X=example.com/e2e/basic.unused=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		env, args []string
		debug     bool // whether the binaries keep their symbols and DWARF
	}{
		{name: "first round", args: []string{"./basic"}},
		{name: "workers", args: []string{"--workers", "2", "./workers"}},
		{name: "user's -ldflags", args: []string{"./basic", "--", "-ldflags=-X=example.com/e2e/basic.unused=1"}, debug: true},
		{name: "-ldflags in GOFLAGS", env: []string{"GOFLAGS=-ldflags=-X=example.com/e2e/basic.unused=1"}, args: []string{"./basic"}, debug: true},
		{name: "-ldflags in go env -w's GOFLAGS", env: []string{"GOENV=" + goenv, "GOFLAGS="}, args: []string{"./basic"}, debug: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			keep := t.TempDir()
			env := append([]string{"GORERUN_BINARIES_DIR=" + keep}, tc.env...)
			args := append([]string{"--rerun-class-max=1", "--rerun-delay=0", "--no-history"}, tc.args...)
			r := gorerun(t, fixture("e2e"), env, "", args...)
			r.expectCode(t, 0)
			bins, _ := filepath.Glob(filepath.Join(keep, "*", "*.test"))
			if len(bins) == 0 {
				t.Fatalf("no binary kept in %s:\n%s%s", keep, r.stdout, r.stderr)
			}
			for _, bin := range bins {
				f, err := elf.Open(bin)
				if err != nil {
					t.Fatal(err)
				}
				var symtab, dwarf bool
				for _, s := range f.Sections {
					symtab = symtab || s.Name == ".symtab"
					dwarf = dwarf || strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_")
				}
				f.Close()
				if symtab != tc.debug || dwarf != tc.debug {
					t.Errorf("%s: symbol table %v, DWARF %v; want %v", filepath.Base(bin), symtab, dwarf, tc.debug)
				}
			}
		})
	}
}

package main

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorerun/gorerun/internal/testutil/junitschema"
	"github.com/gorerun/gorerun/junitout"
)

// binary is the gorerun command built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	// Most of an end-to-end test's time is spent waiting for processes
	// (go test building and linking fixtures, signals, rerun delays): four
	// at once keep two cores busy where go test's default (GOMAXPROCS)
	// leaves them idle part of the time. -parallel on the command line wins.
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		flag.Set("test.parallel", "4")
	}
	// The fixtures' go test processes skip vet: no test here is about vet,
	// and it is a sixth of each go test's CPU (the suite is CPU-bound on
	// two cores). The user's GOFLAGS are kept.
	os.Setenv("GOFLAGS", strings.TrimSpace(os.Getenv("GOFLAGS")+" -vet=off"))
	dir, err := os.MkdirTemp("", "gorerun-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "gorerun")
	// The fixtures' kept test binaries are shared by the tests' runs (one
	// subdirectory per module, build flags and environment): go test
	// links a fixture package once per build, not once per run.
	if os.Getenv("GORERUN_BINARIES_DIR") == "" {
		os.Setenv("GORERUN_BINARIES_DIR", filepath.Join(dir, "binaries"))
	}
	build := []string{"build", "-o", binary}
	// scripts/coverage.sh: an instrumented binary writes its coverage of
	// every gorerun package to GORERUN_E2E_COVERDIR.
	if cover := os.Getenv("GORERUN_E2E_COVERDIR"); cover != "" {
		build = append(build, "-cover", "-coverpkg=github.com/gorerun/gorerun/...")
		os.Setenv("GOCOVERDIR", cover)
	}
	if out, err := exec.Command("go", append(build, ".")...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building gorerun: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	pg.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the gorerun binary.
type result struct {
	stdout, stderr string
	code           int
	state          string // the fixture's counter directory
}

// count reads a fixture counter: how many times something ran.
func (r result) count(t *testing.T, name string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.state, name))
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(string(b))
	return n
}

func fixture(name string) string {
	dir, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "modules", name))
	return dir
}

// gorerun runs the binary in dir with extra environment and stdin, with
// fresh counter and cache directories.
func gorerun(t *testing.T, dir string, env []string, stdin string, args ...string) result {
	t.Helper()
	return execIn(t, dir, t.TempDir(), env, stdin, args...)
}

// execIn runs the binary with the given counter (and cache) directory, so
// that several runs can share them.
func execIn(t *testing.T, dir, state string, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GORERUN_E2E_STATE="+state, "NO_COLOR=1", "GORERUN_CACHE_DIR="+filepath.Join(state, "cache"))
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	validateWritten(t, dir, code, args)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code, state: state}
}

// validateWritten runs the JUnit validator on every report a run wrote
// (--junitfile, --update-xml, merge -o), so that no e2e test can let an
// invalid report pass unnoticed.
func validateWritten(t *testing.T, dir string, code int, args []string) {
	t.Helper()
	if code == 2 {
		return // refused: nothing was written
	}
	for i, a := range args {
		if a == "--" {
			return
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		if name != "junitfile" && name != "update-xml" && !(name == "o" && len(args) > 0 && args[0] == "merge") {
			continue
		}
		if !filepath.IsAbs(value) {
			value = filepath.Join(dir, value)
		}
		if st, err := os.Stat(value); err == nil && st.Mode().IsRegular() {
			validateJUnit(t, value)
		}
	}
}

func (r result) expectCode(t *testing.T, want int) {
	t.Helper()
	if r.code != want {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, want, r.stdout, r.stderr)
	}
}

func (r result) expectOutput(t *testing.T, substrings ...string) {
	t.Helper()
	for _, s := range substrings {
		if !strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("output lacks %q\nstdout:\n%s\nstderr:\n%s", s, r.stdout, r.stderr)
		}
	}
}

func (r result) expectCounts(t *testing.T, want map[string]int) {
	t.Helper()
	for name, n := range want {
		if got := r.count(t, name); got != n {
			t.Errorf("%s ran %d times, want %d", name, got, n)
		}
	}
}

// validateJUnit runs ../shared/bin/validate-junit on a report.
func validateJUnit(t *testing.T, path string) {
	t.Helper()
	junitschema.Validate(t, path)
}

// readJUnit parses and validates a report.
func readJUnit(t *testing.T, path string) *junitout.Testsuites {
	t.Helper()
	validateJUnit(t, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ts junitout.Testsuites
	if err := xml.Unmarshal(b, &ts); err != nil {
		t.Fatal(err)
	}
	return &ts
}

func testcase(t *testing.T, ts *junitout.Testsuites, suite, name string) junitout.Testcase {
	t.Helper()
	for _, s := range ts.Suites {
		if !strings.HasSuffix(s.Name, suite) {
			continue
		}
		for _, tc := range s.Testcases {
			if tc.Name == name {
				return tc
			}
		}
	}
	t.Fatalf("no testcase %s in %s", name, suite)
	return junitout.Testcase{}
}

func TestE2EWholeGroupRerun(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=2", "--rerun-delay=0", "--junitfile", report, "./basic")
	r.expectCode(t, 0)
	r.expectOutput(t, "rerun 1/2: 2 failed groups in 1 package after 0s", "=== FLAKY: basic TestWholeGroup passed on attempt 2",
		"flaky check failed", "2 flaky")
	r.expectCounts(t, map[string]int{
		"basic.setup":        2, // the step before the failing one ran again
		"basic.process":      2, // both failed groups reran in one process
		"basic.prefix":       2,
		"basic.prefixlonger": 1, // ^TestPrefix$ did not select TestPrefixLonger
		"basic.stable":       1,
	})
	ts := readJUnit(t, report)
	check := testcase(t, ts, "basic", "TestWholeGroup/check")
	if check.Failure != nil || len(check.FlakyFailures) != 1 || !strings.Contains(check.FlakyFailures[0].StackTrace.Body, "flaky check failed") {
		t.Errorf("TestWholeGroup/check: %+v", check)
	}
	if setup := testcase(t, ts, "basic", "TestWholeGroup/setup"); len(setup.FlakyFailures) != 0 {
		t.Errorf("setup passed every attempt but has attempt elements: %+v", setup)
	}
	if ts.Tests != 6 || ts.Failures != 0 || ts.Errors != 0 {
		t.Errorf("totals tests=%d failures=%d errors=%d", ts.Tests, ts.Failures, ts.Errors)
	}
}

func TestE2EOneProcessPerPackagePerRound(t *testing.T) {
	t.Parallel()
	jsonfile := filepath.Join(t.TempDir(), "events.jsonl")
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "--jsonfile", jsonfile, "./basic", "./other")
	r.expectCode(t, 0)
	r.expectOutput(t, "rerun 1/1: 3 failed groups in 2 packages after 0s")
	r.expectCounts(t, map[string]int{"basic.process": 2, "other.process": 2})
	b, err := os.ReadFile(jsonfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`{"Attempt":1,"Time"`, `{"Attempt":2,"Time"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("--jsonfile lacks %s", want)
		}
	}
	// Attempt 2 of "other" ran only TestOther: TestSkipped passed (was skipped) in attempt 1.
	if bytes.Contains(b, []byte(`{"Attempt":2,"Time"`)) && regexp.MustCompile(`"Attempt":2,[^\n]*"Test":"TestSkipped"`).Match(b) {
		t.Error("attempt 2 reran a group that did not fail")
	}
}

func TestE2ESubtestNames(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "--junitfile", report, "./names")
	r.expectCode(t, 0)
	r.expectCounts(t, map[string]int{"names.group": 2, "names.odd": 1})
	ts := readJUnit(t, report)
	for _, name := range []string{"TestOdd_Names/with_space", "TestOdd_Names/meta.*+?[x](y)|z", "TestOdd_Names/ünïcödé",
		"TestOdd_Names/dup", "TestOdd_Names/dup#01", "TestOdd_Names/#00"} {
		if tc := testcase(t, ts, "names", name); tc.Failure != nil || len(tc.FlakyFailures) != 0 {
			t.Errorf("%s: %+v", name, tc)
		}
	}
	if tc := testcase(t, ts, "names", "TestOdd_Names/slash/inside"); len(tc.FlakyFailures) != 1 {
		t.Errorf("slash/inside should be flaky: %+v", tc)
	}
}

func TestE2ECrashRunsLaterGroups(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "--junitfile", report, "./crash")
	r.expectCode(t, 0)
	r.expectCounts(t, map[string]int{"crash.first": 1, "crash.later": 1})
	ts := readJUnit(t, report)
	exits := testcase(t, ts, "crash", "TestExits")
	if len(exits.FlakyErrors) != 1 || exits.Error != nil {
		t.Errorf("TestExits: %+v", exits)
	}
	testcase(t, ts, "crash", "TestLater")
}

func TestE2ECrashWithoutReruns(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--junitfile", report, "./crash")
	r.expectCode(t, 1)
	// Not a rerun: TestLater never ran, so it runs in a process of its own.
	r.expectOutput(t, "crash TestExits crashed the test binary; running the 1 group that never started", "DONE 3 tests, 1 error")
	ts := readJUnit(t, report)
	if exits := testcase(t, ts, "crash", "TestExits"); exits.Error == nil {
		t.Errorf("TestExits: %+v", exits)
	}
	if later := testcase(t, ts, "crash", "TestLater"); later.State() != junitout.Passed {
		t.Errorf("TestLater: %+v", later)
	}
	r.expectCounts(t, map[string]int{"crash.later": 1, "crash.first": 1})
}

func TestE2ETimeout(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "--junitfile", report, "./hang", "--", "-timeout", "3s")
	r.expectCode(t, 0)
	r.expectCounts(t, map[string]int{"hang.quick": 1, "hang.after": 1})
	ts := readJUnit(t, report)
	sub := testcase(t, ts, "hang", "TestHangs/sub")
	if len(sub.FlakyErrors) != 1 || !strings.Contains(sub.FlakyErrors[0].Message, "panic: test timed out") {
		t.Errorf("TestHangs/sub: %+v", sub)
	}
}

func TestE2EBuildFailureAlongsidePassingPackages(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "--junitfile", report, "./broken", "./other")
	r.expectCode(t, 1)
	r.expectOutput(t, "=== BUILD FAILED: broken", "undefined: undefinedFunction", "1 build failure")
	r.expectCounts(t, map[string]int{"other.process": 2})
	ts := readJUnit(t, report)
	tc := testcase(t, ts, "broken", "[build failed]")
	if tc.Error == nil || !strings.Contains(tc.Error.Body, "undefined: undefinedFunction") {
		t.Errorf("build failure testcase: %+v", tc)
	}
}

func TestE2EPackageFailsWithoutFailingTest(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "./mainfail")
	r.expectCode(t, 0)
	r.expectCounts(t, map[string]int{"mainfail.fine": 2})
	r = gorerun(t, fixture("e2e"), nil, "", "./mainfail")
	r.expectCode(t, 1)
	r.expectOutput(t, "test binary failed after its tests")
}

func TestE2EFailsEveryAttempt(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=2", "--rerun-delay=0", "--junitfile", report, "./always")
	r.expectCode(t, 1)
	r.expectOutput(t, "failed all 3 attempts", "broken for good (run 3)")
	r.expectCounts(t, map[string]int{"always.fails": 3})
	ts := readJUnit(t, report)
	step := testcase(t, ts, "always", "TestAlwaysFails/step")
	if step.Failure == nil || len(step.RerunFailures) != 2 || !strings.Contains(step.Failure.Body, "run 3") {
		t.Errorf("step: %+v", step)
	}
}

func TestE2EMaxFailuresGuard(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=3", "--rerun-max-failures=2", "./many")
	r.expectCode(t, 1)
	r.expectOutput(t, "not rerunning: 3 groups failed in the first run, more than --rerun-max-failures=2")
	r.expectCounts(t, map[string]int{"many.a": 1, "many.b": 1, "many.c": 1})
}

func TestE2ERerunDelay(t *testing.T) {
	t.Parallel()
	start := time.Now()
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=1.5", "./other")
	r.expectCode(t, 0)
	// A lower bound only: the run cannot be faster than the delay it must wait.
	if d := time.Since(start); d < 1500*time.Millisecond {
		t.Errorf("run took %v, less than the 1.5s rerun delay", d)
	}
}

func TestE2EEnvironmentDefaults(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), []string{"GORERUN_RERUN_CLASS_MAX=1", "GORERUN_RERUN_DELAY=0"}, "", "./other")
	r.expectCode(t, 0)
	// The command line wins over the environment.
	r = gorerun(t, fixture("e2e"), []string{"GORERUN_RERUN_CLASS_MAX=1"}, "", "--rerun-class-max=0", "./other")
	r.expectCode(t, 1)
	r = gorerun(t, fixture("e2e"), []string{"GORERUN_RERUN_CLASS_MAX=lots"}, "", "./other")
	r.expectCode(t, 2)
	r.expectOutput(t, "GORERUN_RERUN_CLASS_MAX")
}

func TestE2EHideAndOnlyLast(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=2", "--rerun-delay=0", "--hide-rerun-details", "--format=testname", "./other")
	r.expectCode(t, 0)
	r.expectOutput(t, "RERUN other.TestOther failed, rerun 1/2", "TestOther failed, rerun 1/2")
	if strings.Contains(r.stdout, "fails on attempt 1") {
		t.Errorf("--hide-rerun-details showed the output of a rerun attempt:\n%s", r.stdout)
	}
	report := filepath.Join(t.TempDir(), "report.xml")
	r = gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=2", "--rerun-delay=0", "--rerun-show-only-last", "--format=testname", "--junitfile", report, "./other")
	r.expectCode(t, 0)
	if strings.Contains(r.stdout, "FAIL") || strings.Contains(r.stdout, "rerun") {
		t.Errorf("--rerun-show-only-last showed an earlier attempt:\n%s", r.stdout)
	}
	ts := readJUnit(t, report)
	if tc := testcase(t, ts, "other", "TestOther"); len(tc.FlakyFailures) != 0 || tc.Failure != nil {
		t.Errorf("only-last report has attempt elements: %+v", tc)
	}
}

func TestE2EInput(t *testing.T) {
	t.Parallel()
	stream, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "streams", "ok.jsonl"))
	data, err := os.ReadFile(stream)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.jsonl")
	garbage := filepath.Join(dir, "garbage.jsonl")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(garbage, []byte("\x00\x01\xff binary\nnot json at all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type testCase struct {
		name  string
		args  []string
		stdin string
		code  int
		want  []string
	}
	run := func(t *testing.T, tc testCase) {
		r := gorerun(t, dir, nil, tc.stdin, tc.args...)
		r.expectCode(t, tc.code)
		r.expectOutput(t, tc.want...)
		if tc.code == 2 && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("error is not one line: %q", r.stderr)
		}
	}
	testCases := []testCase{
		{"file", []string{"--input", stream, "--junitfile", filepath.Join(dir, "input.xml")}, "", 1, []string{"=== FAIL: example.com/shapes/ok TestFail", "bad", "1 skipped"}},
		{"stdin", []string{"--input", "-"}, string(data), 1, []string{"=== FAIL: example.com/shapes/ok TestFail"}},
		{"empty", []string{"--input", empty}, "", 2, []string{"empty.jsonl: empty input"}},
		{"garbage", []string{"--input", garbage}, "", 2, []string{"garbage.jsonl: not a go test -json stream (line 1"}},
		{"missing", []string{"--input", filepath.Join(dir, "nope.jsonl")}, "", 2, []string{"nope.jsonl", "no such file"}},
		{"directory", []string{"--input", dir}, "", 2, []string{"is a directory"}},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
	ts := readJUnit(t, filepath.Join(dir, "input.xml"))
	if ts.Tests != 8 || ts.Failures != 2 || testcase(t, ts, "ok", "TestPass/a_b#01").Failure != nil {
		t.Errorf("streamed report of --input: tests=%d failures=%d", ts.Tests, ts.Failures)
	}
}

func TestE2EUsage(t *testing.T) {
	t.Parallel()
	type testCase struct {
		name string
		args []string
		code int
		want string
	}
	run := func(t *testing.T, tc testCase) {
		r := gorerun(t, fixture("e2e"), nil, "", tc.args...)
		r.expectCode(t, tc.code)
		r.expectOutput(t, tc.want)
	}
	testCases := []testCase{
		{"unknown flag", []string{"--bogus"}, 2, "gorerun: unknown flag --bogus (see gorerun --help)\n"},
		{"gotestsum-style typo", []string{"--rerun-fail=2"}, 2, "unknown flag --rerun-fail; did you mean --rerun-fails?"},
		{"long flag with one dash", []string{"-rerun-class-max=x"}, 2, `invalid argument "x" for "--rerun-class-max"`},
		{"bad format", []string{"--format", "fancy", "./other"}, 2, `--format "fancy": must be one of`},
		{"bad delay", []string{"--rerun-delay", "soon", "./other"}, 2, "neither a duration"},
		{"help", []string{"--help"}, 0, "gorerun --rerun-class-max=3 --rerun-delay=1s ./..."},
		{"version", []string{"--version"}, 0, "gorerun "},
		{"passing package", []string{"./other", "--", "-run", "TestSkipped"}, 0, "DONE 1 test, 1 skipped"},
		{"bad go flag", []string{"./other", "--", "-count=x"}, 2, `go test failed before running tests: invalid value "x" for flag -count`},
		{"missing package", []string{"./nonexistent"}, 1, "directory not found"},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

// signalAt starts gorerun on the e2e fixture, waits until its output
// shows waitFor, sends sig, and returns the run once it has exited.
func signalAt(t *testing.T, state, waitFor string, sig os.Signal, args ...string) result {
	t.Helper()
	return signalAfter(t, state, waitFor, 0, sig, args...)
}

// signalAfter is signalAt, waiting delay after waitFor appeared.
func signalAfter(t *testing.T, state, waitFor string, delay time.Duration, sig os.Signal, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = fixture("e2e")
	cmd.Env = append(os.Environ(), "GORERUN_E2E_STATE="+state, "NO_COLOR=1", "GORERUN_CACHE_DIR="+filepath.Join(state, "cache"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	for !strings.Contains(seen.String(), waitFor) {
		n, err := stdout.Read(buf)
		seen.Write(buf[:n])
		if err != nil {
			t.Fatalf("gorerun ended before printing %q: %v\n%s", waitFor, err, seen.String())
		}
	}
	time.Sleep(delay)
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stdout)
	seen.Write(rest)
	err = cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{stdout: seen.String(), stderr: stderr.String(), code: code, state: state}
}

func TestE2EInterrupt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	report := filepath.Join(dir, "report.xml")
	r := signalAfter(t, dir, "=== RUN   TestHangs/sub", 1500*time.Millisecond, os.Interrupt, "--format=standard-verbose", "--junitfile", report, "./hang")
	r.expectCode(t, 130)
	r.expectOutput(t, "interrupted")
	ts := readJUnit(t, report)
	tc := testcase(t, ts, "hang", "TestHangs/sub")
	if tc.Error == nil {
		t.Errorf("the interrupted test is not an error: %+v", tc)
	}
	// It ran 1.5s before the interrupt: its time says so, not 0.
	if secs, _ := strconv.ParseFloat(tc.Time, 64); secs < 1.5 {
		t.Errorf("interrupted test reports %ss, it ran at least 1.5s", tc.Time)
	}
	if tc := testcase(t, ts, "hang", "TestQuick"); tc.Error != nil || tc.Failure != nil {
		t.Errorf("a test that passed before the interrupt: %+v", tc)
	}
}

func TestE2EIncremental(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "--junitfile", report, "./incr")
	r.expectCode(t, 1)
	r.expectCounts(t, map[string]int{
		"incr.login":   2, // the whole group reran
		"incr.receipt": 1, // skipped on attempt 1, ran on attempt 2
		"incr.browse":  0, // its login step always fails
	})
	r.expectOutput(t, `↷ incr TestBrokenLogin/browse: previous step "login" failed`,
		"=== FLAKY: incr TestCheckout passed on attempt 2")
	ts := readJUnit(t, report)
	if tc := testcase(t, ts, "incr", "TestCheckout/receipt"); tc.Skipped != nil || tc.Failure != nil {
		t.Errorf("receipt ran and passed on the rerun: %+v", tc)
	}
	browse := testcase(t, ts, "incr", "TestBrokenLogin/browse")
	if browse.Skipped == nil || browse.Skipped.Message != `previous step "login" failed` {
		t.Errorf("browse: %+v", browse)
	}
	raw, _ := os.ReadFile(report)
	if !bytes.Contains(raw, []byte(`<skipped message="previous step &#34;login&#34; failed">`)) &&
		!bytes.Contains(raw, []byte(`<skipped message="previous step &quot;login&quot; failed">`)) {
		t.Errorf("skipped element not as expected:\n%s", raw)
	}
}

// gorerunState runs the binary on the e2e fixture with a given counter and
// cache directory, so that several runs share them.
func gorerunState(t *testing.T, state string, args ...string) result {
	t.Helper()
	return execIn(t, fixture("e2e"), state, nil, "", args...)
}

var testcaseElement = func(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)<testcase name="` + regexp.QuoteMeta(name) + `"[^>]*>.*?</testcase>|<testcase name="` + regexp.QuoteMeta(name) + `"[^>]*></testcase>`)
}

func TestE2ELastFailedUpdateXML(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	report := filepath.Join(state, "report.xml")
	first := gorerunState(t, state, "--junitfile", report, "./lastfailed", "./other")
	first.expectCode(t, 1)
	before, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(state, "cache", ".gitignore")); err != nil {
		t.Errorf("cache directory has no .gitignore: %v", err)
	}

	second := gorerunState(t, state, "--last-failed", "--update-xml", report, "--rerun-parallel", "1", "./lastfailed")
	second.expectCode(t, 1) // TestBroken still fails
	second.expectOutput(t, "running 2 groups in 1 packages that failed last time")
	second.expectCounts(t, map[string]int{"lf.stable": 1, "lf.flaky": 2, "lf.broken": 2})
	after := readJUnit(t, report)
	flaky := testcase(t, after, "lastfailed", "TestFlakyOnce")
	if flaky.Failure != nil || len(flaky.FlakyFailures) != 1 || !strings.Contains(flaky.FlakyFailures[0].StackTrace.Body, "failed on its first run") {
		t.Errorf("TestFlakyOnce: %+v", flaky)
	}
	part := testcase(t, after, "lastfailed", "TestBroken/part")
	if part.Failure == nil || len(part.RerunFailures) != 1 {
		t.Errorf("TestBroken/part: %+v", part)
	}
	if tc := testcase(t, after, "lastfailed", "TestSkipped"); tc.Skipped == nil {
		t.Errorf("TestSkipped: %+v", tc)
	}
	raw, _ := os.ReadFile(report)
	for _, name := range []string{"TestStable", "TestSkipped"} {
		if b, a := testcaseElement(name).Find(before), testcaseElement(name).Find(raw); b == nil || !bytes.Equal(a, b) {
			t.Errorf("%s changed:\n%s\n---\n%s", name, b, a)
		}
	}
	// "other" was not rerun (not on the command line) and keeps its failure.
	if tc := testcase(t, after, "other", "TestOther"); tc.Failure == nil {
		t.Errorf("TestOther lost its failure: %+v", tc)
	}
	if after.Failures != 3 || after.Tests != 7 { // TestBroken, TestBroken/part, TestOther
		t.Errorf("totals: tests=%d failures=%d", after.Tests, after.Failures)
	}
}

func TestE2ELastFailedTurnsGreen(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	report := filepath.Join(state, "report.xml")
	gorerunState(t, state, "--junitfile", report, "./lastfailed", "--", "-run", "TestFlakyOnce|TestStable").expectCode(t, 1)
	// No cache: the report is the source.
	os.RemoveAll(filepath.Join(state, "cache"))
	r := gorerunState(t, state, "--last-failed", "--update-xml", report, "./lastfailed")
	r.expectCode(t, 0)
	r.expectOutput(t, "that failed last time ("+report+")", "updated "+report+": 2 tests, 0 failures, 0 errors")
	r.expectCounts(t, map[string]int{"lf.stable": 1})
	// Nothing failed now: say so and run everything, or nothing.
	r = gorerunState(t, state, "--last-failed", "--last-failed-no-failures=none", "./lastfailed")
	r.expectCode(t, 0)
	r.expectOutput(t, "nothing to run")
	r.expectCounts(t, map[string]int{"lf.stable": 1})
}

func TestE2ELastFailedFromReportFile(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	gotestsum, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "junit", "gotestsum.xml"))
	r := gorerunState(t, state, "--last-failed="+gotestsum, "--rerun-class-max=1", "--rerun-delay=0", "./other", "./always", "./basic")
	r.expectCode(t, 1) // always fails for good
	// gotestsum made 2 attempts of each: this run continues from attempt
	// 3, where TestOther (which fails on attempt 1 only) passes.
	r.expectOutput(t, "running 2 groups in 2 packages", "from attempt 3", "rerun 1/1: 1 failed group in 1 package")
	r.expectCounts(t, map[string]int{"other.process": 1, "always.fails": 2, "basic.process": 0})
}

func TestE2EUpdateXMLRefusesBadReports(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	type testCase struct {
		name    string
		content string
		want    string
	}
	run := func(t *testing.T, tc testCase) {
		path := filepath.Join(dir, tc.name+".xml")
		if tc.content != "" {
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r := gorerun(t, fixture("e2e"), nil, "", "--update-xml", path, "./other")
		r.expectCode(t, 2)
		r.expectOutput(t, tc.want)
		if tc.content != "" {
			if b, _ := os.ReadFile(path); string(b) != tc.content {
				t.Errorf("report changed:\n%s", b)
			}
		}
		if r.count(t, "other.process") != 0 {
			t.Error("tests ran although the report was refused")
		}
	}
	testCases := []testCase{
		{"missing", "", "no such file"},
		{"truncated", `<?xml version="1.0"?><testsuites><testsuite name="x" tests="1"><testcase name="T"`, "not a valid JUnit report: line 1"},
		{"corrupt", "\x00\x01garbage", "not a valid JUnit report"},
		{"html", "<html><body>hi</body></html>", "root element is <html>"},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestE2EFailfastPackagesNotRun(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "report.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--junitfile", report, "./always", "./other", "--", "-failfast", "-p", "1")
	r.expectCode(t, 1)
	r.expectOutput(t, "=== NOT RUN: other (not run: go test -failfast stopped before this package)", "1 package not run")
	ts := readJUnit(t, report)
	if tc := testcase(t, ts, "other", "[not run]"); tc.Error == nil {
		t.Errorf("[not run]: %+v", tc)
	}
	// With a rerun, the package that never started runs in the next round.
	r = gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "./always", "./other", "--", "-failfast", "-p", "1")
	r.expectCode(t, 1)
	r.expectCounts(t, map[string]int{"other.process": 1})
}

func TestE2EFaults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.jsonl")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	line := bytes.Repeat([]byte("x"), 1<<20)
	for i := 0; i < 16; i++ { // one 16 MB line: 64 times the decoder's buffer
		f.Write(line)
	}
	f.Write([]byte("\n"))
	f.Close()
	mixed := filepath.Join(dir, "mixed.jsonl")
	if err := os.WriteFile(mixed, []byte("go: downloading example.com/dep v1.0.0\n"+`{"Action":"run","Package":"m/p","Test":"TestA"}`+"\n"+
		"exec wrapper: started\n"+`{"Action":"pass","Package":"m/p","Test":"TestA"}`+"\n"+`{"Action":"pass","Package":"m/p"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nul := filepath.Join(dir, "nul.jsonl")
	if err := os.WriteFile(nul, []byte("\x00\x00\x00{\"Action\":\x00}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	type testCase struct {
		name string
		env  []string
		args []string
		code int
		want string
	}
	run := func(t *testing.T, tc testCase) {
		r := gorerun(t, fixture("e2e"), tc.env, "", tc.args...)
		r.expectCode(t, tc.code)
		r.expectOutput(t, tc.want)
		if len(r.stdout) > 1<<20 {
			t.Errorf("printed %d bytes", len(r.stdout))
		}
	}
	testCases := []testCase{
		{"go not on PATH", []string{"PATH=" + dir}, []string{"./other"}, 2, "go not found on PATH"},
		{"unwritable junitfile directory", nil, []string{"--junitfile", filepath.Join(dir, "no", "such", "dir", "r.xml"), "./other"}, 2,
			"--junitfile: cannot write " + filepath.Join(dir, "no", "such", "dir", "r.xml")},
		{"16 MB line", nil, []string{"--input", big}, 2, "big.jsonl: not a go test -json stream (line 1"},
		{"NUL bytes", nil, []string{"--input", nul}, 2, "nul.jsonl: not a go test -json stream"},
		{"non-JSON lines are shown, not fatal", nil, []string{"--input", mixed}, 0, "go: downloading example.com/dep v1.0.0\n"},
		{"non-JSON lines between events", nil, []string{"--input", mixed}, 0, "exec wrapper: started\n"},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestE2EInterruptDuringRerunDelay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	report := filepath.Join(dir, "report.xml")
	// SIGTERM, as CI systems stop jobs.
	r := signalAt(t, dir, "✖  other (", syscall.SIGTERM, "--rerun-class-max=1", "--rerun-delay=60s", "--junitfile", report, "./other")
	r.expectCode(t, 130)
	ts := readJUnit(t, report)
	if tc := testcase(t, ts, "other", "TestOther"); tc.Failure == nil {
		t.Errorf("the report of what ran lacks the failure: %+v", tc)
	}
}

func testcaseNames(t *testing.T, ts *junitout.Testsuites) []string {
	t.Helper()
	var names []string
	for _, s := range ts.Suites {
		for _, tc := range s.Testcases {
			names = append(names, tc.Classname+" "+tc.Name)
		}
	}
	sort.Strings(names)
	return names
}

func TestE2EShardsMergeToTheUnshardedRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pkgs := []string{"./basic", "./other", "./names", "./always", "./mainfail", "./incr"}
	plan := gorerun(t, fixture("e2e"), nil, "", append([]string{"shard-plan", "--shards", "3", "--json"}, pkgs...)...)
	plan.expectCode(t, 0)
	again := gorerun(t, fixture("e2e"), nil, "", append([]string{"shard-plan", "--shards", "3", "--json"}, pkgs...)...)
	if plan.stdout != again.stdout {
		t.Fatalf("shard plan not deterministic:\n%s\n%s", plan.stdout, again.stdout)
	}
	var reports []string
	for k := 1; k <= 3; k++ {
		report := filepath.Join(dir, fmt.Sprintf("shard%d.xml", k))
		r := gorerun(t, fixture("e2e"), []string{fmt.Sprintf("GORERUN_SHARD=%d/3", k)}, "",
			append([]string{"--rerun-class-max=1", "--rerun-delay=0", "--junitfile", report}, pkgs...)...)
		r.expectOutput(t, fmt.Sprintf("shard %d/3: 2 of 6 packages", k))
		// always and incr fail for good; a shard exits 1 exactly when it has one of them.
		want := 0
		if strings.Contains(r.stdout, "  always (") || strings.Contains(r.stdout, "  incr (") {
			want = 1
		}
		r.expectCode(t, want)
		reports = append(reports, report)
	}
	merged := filepath.Join(dir, "all.xml")
	m := gorerun(t, fixture("e2e"), nil, "", append([]string{"merge", "-o", merged}, reports...)...)
	m.expectCode(t, 0)
	if m.stderr != "" {
		t.Errorf("merge reported problems: %s", m.stderr)
	}
	whole := filepath.Join(dir, "whole.xml")
	gorerun(t, fixture("e2e"), nil, "", append([]string{"--rerun-class-max=1", "--rerun-delay=0", "--junitfile", whole}, pkgs...)...)
	got, want := testcaseNames(t, readJUnit(t, merged)), testcaseNames(t, readJUnit(t, whole))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sharded+merged testcases differ from one run:\n%v\n%v", got, want)
	}
	// Merging a report twice reports duplicates instead of dropping them.
	m = gorerun(t, fixture("e2e"), nil, "", "merge", "-o", filepath.Join(dir, "dup.xml"), reports[0], reports[0])
	m.expectCode(t, 0)
	m.expectOutput(t, "duplicate testcase")
}

func TestE2ECISummaries(t *testing.T) {
	t.Parallel()
	summary := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(summary, []byte("# earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := gorerun(t, fixture("e2e"), []string{"GITHUB_STEP_SUMMARY=" + summary}, "",
		"--format", "github-actions", "--rerun-class-max=1", "--rerun-delay=0", "./always", "./other")
	r.expectCode(t, 1)
	r.expectOutput(t, "::error file=always/always_test.go,line=11,title=example.com/e2e/always TestAlwaysFails/step::broken for good (run 2)")
	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# earlier step\n## gorerun: ❌ failed", "| `example.com/e2e/other` | `TestOther` | 2 | fails on attempt 1 |", "<code>TestAlwaysFails</code>: fail, failed all 2 attempts"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("summary lacks %q:\n%s", want, b)
		}
	}
}

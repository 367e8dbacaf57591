package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// started is a gorerun process started by startUntil.
type started struct {
	cmd    *exec.Cmd
	seen   bytes.Buffer
	stdout io.Reader
	stderr syncBuffer
	state  string
}

// syncBuffer is a buffer that a test may read while a process writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitStderr waits until the process's stderr shows text.
func (s *started) waitStderr(t *testing.T, text string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(s.stderr.String(), text); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("stderr never showed %q:\n%s", text, s.stderr.String())
		}
	}
}

// startUntil starts the binary in the e2e fixture, in a process group of
// its own (as a CI job's shell would), and returns once its output shows
// waitFor.
func startUntil(t *testing.T, waitFor string, env []string, args ...string) *started {
	t.Helper()
	s := &started{state: t.TempDir()}
	s.cmd = exec.Command(binary, args...)
	s.cmd.Dir = fixture("e2e")
	s.cmd.Env = append(os.Environ(), "GORERUN_E2E_STATE="+s.state, "NO_COLOR=1", "GORERUN_CACHE_DIR="+filepath.Join(s.state, "cache"))
	s.cmd.Env = append(s.cmd.Env, env...)
	s.cmd.Stderr = &s.stderr
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.stdout = stdout
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL) })
	buf := make([]byte, 4096)
	for !strings.Contains(s.seen.String(), waitFor) {
		n, err := stdout.Read(buf)
		s.seen.Write(buf[:n])
		if err != nil {
			t.Fatalf("gorerun ended before printing %q: %v\n%s\n%s", waitFor, err, s.seen.String(), s.stderr.String())
		}
	}
	return s
}

// wait reads the rest of the output and returns the run once it exited.
func (s *started) wait(t *testing.T) result {
	t.Helper()
	rest, _ := io.ReadAll(s.stdout)
	s.seen.Write(rest)
	err := s.cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{stdout: s.seen.String(), stderr: s.stderr.String(), code: code, state: s.state}
}

// recorded reads a number the stubborn fixture recorded.
func recorded(t *testing.T, state, name string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(state, name))
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// alive reports whether pid runs: a zombie (ended, not yet waited for by
// a parent that never will) does not.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil // no /proc: ask the kernel
	}
	_, after, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(after, "Z") && !strings.HasPrefix(after, "X")
}

// TestE2ETimeoutSignalsTheGroup: GNU timeout (and CI runners cancelling
// a job) send SIGTERM to gorerun and then to its whole process group, so
// gorerun gets it twice at once. That is one interruption: the tests are
// stopped and every report, the history and the summary are written, and
// no temporary file stays.
func TestE2ETimeoutSignalsTheGroup(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	report, jsonFile, page := filepath.Join(out, "r.xml"), filepath.Join(out, "r.json"), filepath.Join(out, "r.html")
	// The test ignores SIGINT: gorerun is still stopping it when the
	// group's signal comes.
	s := startUntil(t, "stubborn: waiting", []string{"GORERUN_E2E_STUBBORN=1"}, "--format=standard-verbose", "--junitfile", report,
		"--jsonfile", jsonFile, "--html", page, "--history", filepath.Join(out, "h.db"), "./stubborn")
	pid := s.cmd.Process.Pid
	syscall.Kill(pid, syscall.SIGTERM)
	// What timeout does next. Sent at once, the kernel may merge it with
	// the first while that is pending; a moment later it arrives as a
	// signal of its own, well within the grace for repeated signals.
	time.Sleep(100 * time.Millisecond)
	syscall.Kill(-pid, syscall.SIGTERM)
	r := s.wait(t)
	r.expectCode(t, 130)
	r.expectOutput(t, "interrupted", "DONE")
	if strings.Contains(r.stderr, "interrupted twice") {
		t.Errorf("the group's signal counted as a second interruption:\n%s", r.stderr)
	}
	ts := readJUnit(t, report)
	if tc := testcase(t, ts, "stubborn", "TestQuick"); tc.Failure != nil || tc.Error != nil {
		t.Errorf("TestQuick passed before the signal: %+v", tc)
	}
	for _, p := range []string{jsonFile, page, filepath.Join(out, "h.db")} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", p, err)
		}
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestE2EInterruptStopsTestsThatIgnoreIt: a test binary that ignores
// SIGINT (and SIGTERM) is stopped all the same, and gorerun exits only
// once it is gone.
func TestE2EInterruptStopsTestsThatIgnoreIt(t *testing.T) {
	t.Parallel()
	for _, ignoreTerm := range []string{"0", "1"} {
		t.Run("ignores SIGTERM "+ignoreTerm, func(t *testing.T) {
			t.Parallel()
			s := startUntil(t, "stubborn: waiting", []string{"GORERUN_E2E_STUBBORN=1", "GORERUN_E2E_IGNORE_TERM=" + ignoreTerm},
				"--format=standard-verbose", "./stubborn")
			test := recorded(t, s.state, "stubborn.pid")
			syscall.Kill(s.cmd.Process.Pid, syscall.SIGINT)
			r := s.wait(t)
			r.expectCode(t, 130)
			if alive(test) {
				t.Fatalf("the test binary (pid %d) still runs after gorerun exited", test)
			}
		})
	}
}

// TestE2EKilledLeavesNoTestRunning: kill -9 of gorerun takes go test and
// the test binary with it.
func TestE2EKilledLeavesNoTestRunning(t *testing.T) {
	t.Parallel()
	s := startUntil(t, "stubborn: waiting", []string{"GORERUN_E2E_STUBBORN=1", "GORERUN_E2E_IGNORE_TERM=1"},
		"--format=standard-verbose", "./stubborn")
	test := recorded(t, s.state, "stubborn.pid")
	syscall.Kill(s.cmd.Process.Pid, syscall.SIGKILL)
	s.wait(t)
	// The guard kills it as soon as it sees gorerun gone: wait for that
	// event, with a bound far past it that only a leak reaches.
	for deadline := time.Now().Add(60 * time.Second); alive(test); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(test, syscall.SIGKILL)
			t.Fatalf("the test binary (pid %d) outlived gorerun by a minute", test)
		}
	}
}

// TestE2EInterruptedRerunSaysInterrupted: a run interrupted while a rerun
// process runs says it was interrupted and marks what did not finish as
// interrupted, not failed, crashed or "not selected"; the history keeps
// the run apart, so flaky counts it neither as a flake nor as a failure.
func TestE2EInterruptedRerunSaysInterrupted(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	report, db := filepath.Join(out, "r.xml"), filepath.Join(out, "h.db")
	s := startUntil(t, "stubborn: waiting", []string{"GORERUN_E2E_RERUN_HANG=1"}, "--format=standard-verbose",
		"--rerun-class-max=2", "--rerun-delay=0", "--junitfile", report, "--history", db, "./stubborn", "--", "-run", "TestRerun")
	syscall.Kill(s.cmd.Process.Pid, syscall.SIGINT)
	r := s.wait(t)
	r.expectCode(t, 130)
	r.expectOutput(t, "=== INTERRUPTED: stubborn TestRerunHangs", "interrupted in attempt 2", "=== INTERRUPTED: stubborn TestRerunLater",
		"2 tests, 2 interrupted in", "gorerun: interrupted: the results above are partial")
	for _, wrong := range []string{"selected no test", "failed all", "did not start", "exited before it finished"} {
		if strings.Contains(r.stdout+r.stderr, wrong) {
			t.Errorf("an interrupted run says %q:\n%s\n%s", wrong, r.stdout, r.stderr)
		}
	}
	ts := readJUnit(t, report)
	for _, name := range []string{"TestRerunHangs", "TestRerunLater"} {
		tc := testcase(t, ts, "stubborn", name)
		if tc.Error == nil || tc.Error.Type != "interrupted" {
			t.Errorf("%s: %+v, want an error of type interrupted", name, tc)
		}
	}
	f := gorerun(t, out, nil, "", "flaky", "--history", db, "--min-runs", "1", "--json")
	f.expectCode(t, 0)
	if strings.TrimSpace(f.stdout) != "[]" {
		t.Errorf("flaky counts the interrupted run:\n%s", f.stdout)
	}
}

// TestE2EInterruptedHuntPrintsWhatItFound: SIGINT during --hunt prints the
// failures of the runs that finished, and says the hunt was cut short.
func TestE2EInterruptedHuntPrintsWhatItFound(t *testing.T) {
	t.Parallel()
	s := startUntil(t, "gorerun: hunt 1/20", []string{"GORERUN_E2E_RERUN_HANG=1"}, "--hunt", "20", "./stubborn", "--", "-run", "TestRerun")
	// Run 2 hangs in TestRerunHangs: wait until it does.
	waiting := filepath.Join(s.state, "rerunhangs.waiting")
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(waiting); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second hunt run never reached TestRerunHangs")
		}
	}
	syscall.Kill(s.cmd.Process.Pid, syscall.SIGINT)
	r := s.wait(t)
	r.expectCode(t, 130)
	r.expectOutput(t, "=== FLAKY: example.com/e2e/stubborn TestRerunHangs failed 1 of 1 runs (first in run 1)", "fails in attempt 1",
		"HUNT 2 groups × 1 runs: 2 failed at least once", "gorerun: hunt interrupted after 1 of 20 runs")
}

// TestE2ESecondInterruptExitsAtOnce: an interrupt after the grace for
// repeated signals (a person pressing Ctrl-C again) exits at once, leaves
// no temporary file of the reports being written and no test running.
func TestE2ESecondInterruptExitsAtOnce(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	s := startUntil(t, "stubborn: waiting", []string{"GORERUN_E2E_STUBBORN=1", "GORERUN_E2E_IGNORE_TERM=1"},
		"--format=standard-verbose", "--junitfile", filepath.Join(out, "r.xml"), "./stubborn")
	test := recorded(t, s.state, "stubborn.pid")
	syscall.Kill(s.cmd.Process.Pid, syscall.SIGINT)
	s.waitStderr(t, "gorerun: interrupted: stopping the tests")
	// gorerun printed that line after it took the first signal: from now,
	// the grace for repeated signals is the time to wait (by definition,
	// not an assumption about the machine's speed).
	time.Sleep(repeatGrace + 500*time.Millisecond)
	syscall.Kill(s.cmd.Process.Pid, syscall.SIGINT)
	r := s.wait(t)
	r.expectCode(t, 130)
	r.expectOutput(t, "interrupted twice, exiting now")
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
	for deadline := time.Now().Add(time.Minute); alive(test); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(test, syscall.SIGKILL)
			t.Fatalf("the test binary (pid %d) outlived gorerun's forced exit", test)
		}
	}
}

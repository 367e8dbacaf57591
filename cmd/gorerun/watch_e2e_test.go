package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptyTerminal is gorerun running on a pseudo-terminal, as a developer runs it.
type ptyTerminal struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan error
}

func startOnTerminal(t *testing.T, dir string, env []string, args ...string) *ptyTerminal {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1", "GORERUN_CACHE_DIR="+filepath.Join(t.TempDir(), "cache")), env...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	term := &ptyTerminal{t: t, cmd: cmd, tty: tty, done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { term.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		tty.Close()
	})
	return term
}

func (term *ptyTerminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return strings.ReplaceAll(term.out.String(), "\r\n", "\n")
}

// waitFor waits until the output has n occurrences of s.
func (term *ptyTerminal) waitFor(s string, n int) {
	term.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Count(term.output(), s) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.t.Fatalf("no %d× %q on the terminal after 60s:\n%s", n, s, term.output())
}

func (term *ptyTerminal) press(key string) {
	term.t.Helper()
	if _, err := term.tty.Write([]byte(key)); err != nil {
		term.t.Fatal(err)
	}
}

func (term *ptyTerminal) exitCode() int {
	term.t.Helper()
	select {
	case err := <-term.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			term.t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		term.t.Fatalf("gorerun did not exit:\n%s", term.output())
		return -1
	}
}

func TestE2EWatch(t *testing.T) {
	t.Parallel()
	mod := copyModule(t, "watchme")
	term := startOnTerminal(t, mod, nil, "--watch", "--format", "testname")
	term.waitFor("gorerun: watching 3 directories", 1)

	// A save runs the saved file's package; a burst of saves is one run.
	file := filepath.Join(mod, "a", "a_test.go")
	for i := range 3 {
		appendTo(t, file, "// saved "+strconv.Itoa(i)+"\n")
	}
	term.waitFor("gorerun: running ./a\n", 1)
	term.waitFor("PASS a.TestA", 1)
	term.waitFor("gorerun: exit 0;", 1)
	time.Sleep(500 * time.Millisecond)
	if n := strings.Count(term.output(), "gorerun: running"); n != 1 {
		t.Errorf("a burst of 3 saves ran %d times:\n%s", n, term.output())
	}

	// A new directory is watched as it appears, and a file written into
	// it at once (before the watcher could add it) runs its package too.
	os.MkdirAll(filepath.Join(mod, "b"), 0o755)
	os.WriteFile(filepath.Join(mod, "b", "b_test.go"), []byte("package b\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) {}\n"), 0o644)
	term.waitFor("gorerun: running ./b\n", 1)
	term.waitFor("PASS b.TestB", 1)
	term.waitFor("gorerun: exit 0;", 2)

	// r reruns the last run; a runs everything; q quits.
	term.press("r")
	term.waitFor("gorerun: running ./b\n", 2)
	term.waitFor("gorerun: exit 0;", 3)
	term.press("a")
	term.waitFor("gorerun: running ./...\n", 1)
	term.waitFor("PASS hang.TestHang", 1)
	term.waitFor("gorerun: exit 0;", 4)
	term.press("q")
	if code := term.exitCode(); code != 0 {
		t.Errorf("q: exit %d, want 0\n%s", code, term.output())
	}
}

func TestE2EWatchCtrlC(t *testing.T) {
	t.Parallel()
	mod := copyModule(t, "watchme")
	pidFile := filepath.Join(t.TempDir(), "pid")
	term := startOnTerminal(t, mod, []string{"HANG_PID_FILE=" + pidFile}, "--watch")
	term.waitFor("gorerun: watching", 1)
	term.press("a")
	var pid int
	for deadline := time.Now().Add(60 * time.Second); pid == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		b, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(string(b))
	}
	if pid == 0 {
		t.Fatalf("TestHang never started:\n%s", term.output())
	}
	term.press("\x03") // Ctrl-C: SIGINT to the terminal's foreground processes
	if code := term.exitCode(); code != 130 {
		t.Errorf("Ctrl-C: exit %d, want 130\n%s", code, term.output())
	}
	// Nothing is left running: the test binary is gone.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("test binary %d still running after gorerun exited", pid)
		}
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func TestE2EWatchChdirClearAndLastFailed(t *testing.T) {
	t.Parallel()
	mod := copyModule(t, "watchme")
	term := startOnTerminal(t, mod, nil, "--watch", "--watch-chdir", "--watch-clear", "--format", "testname")
	term.waitFor("gorerun: watching", 1)
	appendTo(t, filepath.Join(mod, "a", "a_test.go"), "// saved\n")
	// --watch-chdir: go test runs in the package's directory.
	term.waitFor("gorerun: running . in "+filepath.Join(mod, "a")+"\n", 1)
	term.waitFor("PASS a.TestA", 1)
	term.waitFor("gorerun: exit 0;", 1)
	if !strings.Contains(term.output(), "\x1b[H\x1b[2J") {
		t.Errorf("--watch-clear did not clear the screen:\n%q", term.output())
	}
	// l runs what failed last time: nothing did, so everything runs.
	term.press("l")
	term.waitFor("gorerun: running what failed last time in ./...\n", 1)
	term.waitFor("gorerun: exit 0;", 2)
	term.press("q")
	if code := term.exitCode(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestE2EDotsV2OnATerminal(t *testing.T) {
	t.Parallel()
	term := startOnTerminal(t, copyModule(t, "watchme"), nil, "--format", "dots-v2", "./...", "--", "-count=1")
	if code := term.exitCode(); code != 0 {
		t.Fatalf("exit %d\n%s", code, term.output())
	}
	out := term.output()
	// gotestsum's frames: cursor up over the last frame, each line cleared
	// to its end, one line per package, the progress line last.
	if !strings.Contains(out, "\x1b[6A") || !strings.Contains(out, " a ·\x1b[0K") || !strings.Contains(out, " hang ·\x1b[0K") ||
		!strings.Contains(out, " 2 tests in ") {
		t.Errorf("dots-v2 on a terminal:\n%q", out)
	}
}

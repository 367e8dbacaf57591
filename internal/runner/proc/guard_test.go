//go:build unix

package proc

import (
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestGuard: the groups still listed when the input ends without "q"
// are killed; removed ones, and all of them after "q", are not.
func TestGuard(t *testing.T) {
	for _, tc := range []struct {
		name    string
		script  func(a, b int) string
		killedA bool
		killedB bool
	}{
		{"gorerun gone", func(a, b int) string {
			return "+" + strconv.Itoa(a) + "\n+" + strconv.Itoa(b) + "\n-" + strconv.Itoa(b) + "\n"
		}, true, false},
		{"goodbye", func(a, b int) string { return "+" + strconv.Itoa(a) + "\nq\n" }, false, false},
		{"junk ignored", func(a, b int) string { return "+x\n+1\n\n+" + strconv.Itoa(b) + "\n" }, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := sleeper(t), sleeper(t)
			guard(strings.NewReader(tc.script(a.Process.Pid, b.Process.Pid)))
			for _, s := range []struct {
				cmd  *exec.Cmd
				want bool
			}{{a, tc.killedA}, {b, tc.killedB}} {
				s.cmd.Process.Signal(syscall.SIGTERM) // ends what the guard left
				err := s.cmd.Wait()
				ws := s.cmd.ProcessState.Sys().(syscall.WaitStatus)
				if killed := ws.Signaled() && ws.Signal() == syscall.SIGKILL; killed != s.want {
					t.Errorf("pid %d killed by the guard: %v, want %v (%v)", s.cmd.Process.Pid, killed, s.want, err)
				}
			}
		})
	}
}

// sleeper starts a process in a group of its own.
func sleeper(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

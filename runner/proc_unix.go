//go:build unix

package runner

import (
	"os/exec"
	"syscall"
)

// setInterrupt makes cancellation send SIGINT to go test and everything it
// started (test binaries included): go test runs in a process group of its
// own, so that gorerun decides when and how it is interrupted.
func setInterrupt(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
	}
}

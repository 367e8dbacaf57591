//go:build !unix

package runner

import (
	"os"
	"os/exec"
)

// setInterrupt makes cancellation interrupt go test.
func setInterrupt(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
}

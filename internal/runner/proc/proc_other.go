//go:build !unix

package proc

import (
	"os"
	"syscall"
)

// configure makes cancellation interrupt the process; there are no
// process groups to signal here.
func configure(p *Process) {
	p.Cmd.Cancel = func() error {
		p.canceled.Store(true)
		if err := p.Cmd.Process.Signal(os.Interrupt); err != nil {
			return p.Cmd.Process.Kill()
		}
		return nil
	}
}

func reapGroup(int) {}

func killGroup(int) {}

func guardProcAttr() *syscall.SysProcAttr { return nil }

func ignoreSignals() {}

package proc

import "syscall"

// sysProcAttr: a group of its own, and SIGKILL when gorerun dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

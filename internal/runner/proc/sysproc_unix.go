//go:build unix && !linux

package proc

import "syscall"

// sysProcAttr: a group of its own (no parent-death signal here).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

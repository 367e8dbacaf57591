//go:build unix

package proc

import (
	"errors"
	"os/signal"
	"syscall"
	"time"
)

// configure puts the process in a group of its own and makes cancellation
// interrupt the group and escalate.
func configure(p *Process) {
	p.Cmd.SysProcAttr = sysProcAttr()
	p.Cmd.Cancel = func() error {
		p.canceled.Store(true)
		pgid := p.Cmd.Process.Pid
		err := syscall.Kill(-pgid, syscall.SIGINT)
		go escalate(pgid, p.done)
		return err
	}
}

// escalate sends SIGTERM and then SIGKILL to the group, unless its leader
// was waited for first (then Wait's reapGroup takes over).
func escalate(pgid int, done <-chan struct{}) {
	term := time.NewTimer(TermAfter)
	defer term.Stop()
	select {
	case <-done:
		return
	case <-term.C:
		syscall.Kill(-pgid, syscall.SIGTERM)
	}
	kill := time.NewTimer(KillAfter - TermAfter)
	defer kill.Stop()
	select {
	case <-done:
	case <-kill.C:
		syscall.Kill(-pgid, syscall.SIGKILL)
	}
}

// reapGroup waits until no process of the group is left: the leader has
// been waited for, but test binaries it started may still run. What is
// still there a second later gets SIGTERM, then SIGKILL.
func reapGroup(pgid int) {
	steps := []struct {
		wait time.Duration
		sig  syscall.Signal
	}{{time.Second, syscall.SIGTERM}, {KillAfter - TermAfter, syscall.SIGKILL}, {5 * time.Second, 0}}
	for _, step := range steps {
		if waitGone(pgid, step.wait) || step.sig == 0 {
			return // gone, or only zombies no one reaps are left: they hold nothing
		}
		syscall.Kill(-pgid, step.sig)
	}
}

// waitGone polls until the group is gone or d has passed.
func waitGone(pgid int, d time.Duration) bool {
	for deadline := time.Now().Add(d); reap(pgid) && groupAlive(pgid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// reap collects the exit status of the group's processes that ended and
// were handed to gorerun when their parent (go test) ended before them
// (see BecomeSubreaper): a zombie counts as a process of the group until
// someone waits for it. The group's leader was already waited for, so
// nothing that os/exec waits for is taken. It returns true, for use in a
// loop condition.
func reap(pgid int) bool {
	for {
		pid, err := syscall.Wait4(-pgid, nil, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return true
		}
	}
}

// groupAlive reports whether any process of the group exists.
func groupAlive(pgid int) bool {
	err := syscall.Kill(-pgid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// killGroup kills a group outright (the guard, once gorerun is gone).
func killGroup(pgid int) { syscall.Kill(-pgid, syscall.SIGKILL) }

// guardProcAttr puts the guard in a group of its own, so that signals to
// gorerun's group (GNU timeout -s KILL, Ctrl-C) leave it running to clean
// up.
func guardProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// ignoreSignals makes the guard immune to the interrupts meant for
// gorerun: it ends when gorerun does.
func ignoreSignals() { signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP) }

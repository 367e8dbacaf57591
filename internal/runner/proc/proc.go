// Package proc starts the processes gorerun runs (go test and the test
// binaries below it, --raw-command) so that none outlives it.
//
// Each process runs in a process group of its own, so that gorerun alone
// decides when and how it is interrupted: a signal meant for gorerun (GNU
// timeout, a CI runner cancelling a job, Ctrl-C) does not reach the tests
// before gorerun can collect what they printed. When the run is cancelled
// the whole group gets SIGINT; whatever still runs TermAfter later gets
// SIGTERM, and KillAfter after the interrupt SIGKILL. Wait returns only
// when the group is gone.
//
// When gorerun itself is killed (SIGKILL, which no program can catch), the
// kernel kills each go test process with it (Linux's parent-death signal),
// and a Guard, a small watchdog process started from gorerun's own
// executable, kills the groups that were still running: the test binaries
// that go test had started. Other systems get the process groups and the
// escalation, not the parent-death signal or the guard.
package proc

import (
	"context"
	"os/exec"
	"sync/atomic"
	"time"
)

// The escalation after a cancelled run: SIGINT at once, SIGTERM after
// TermAfter, SIGKILL after KillAfter (both counted from the interrupt).
// go test needs the SIGINT grace to print the results of the tests that
// ended; a test binary that ignores SIGINT is what the rest is for.
const (
	TermAfter = 3 * time.Second
	KillAfter = 6 * time.Second
)

// Process is one command in a process group of its own.
type Process struct {
	Cmd      *exec.Cmd
	guard    *Guard
	done     chan struct{}
	canceled atomic.Bool
}

// Command prepares name with args; cancelling ctx interrupts the process
// group and escalates (see the package doc). guard may be nil.
func Command(ctx context.Context, guard *Guard, name string, args ...string) *Process {
	p := &Process{Cmd: exec.CommandContext(ctx, name, args...), guard: guard, done: make(chan struct{})}
	configure(p)
	// A last resort: after SIGKILL, stop waiting for pipes that a
	// process outside the group may still hold.
	p.Cmd.WaitDelay = KillAfter + 2*time.Second
	return p
}

// Start starts the process and tells the guard about its group.
func (p *Process) Start() error {
	if err := p.Cmd.Start(); err != nil {
		return err
	}
	p.guard.watch(p.Cmd.Process.Pid)
	return nil
}

// Wait waits for the process; after a cancellation it also waits until
// every process of its group is gone, killing what is left.
func (p *Process) Wait() error {
	err := p.Cmd.Wait()
	close(p.done)
	if p.canceled.Load() {
		reapGroup(p.Cmd.Process.Pid)
	}
	p.guard.unwatch(p.Cmd.Process.Pid)
	return err
}

package proc

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// GuardArg is the argument that makes gorerun's executable run as a
// Guard (see RunGuard); main checks for it first.
const GuardArg = "__gorerun-guard"

// Guard is a watchdog that outlives gorerun: gorerun tells it the process
// group of every process it starts, and when gorerun dies (the guard's
// standard input closes without a goodbye) the guard kills the groups that
// were still running. It starts with the first process it watches.
type Guard struct {
	exe    string
	mu     sync.Mutex
	w      io.WriteCloser
	cmd    *exec.Cmd
	failed bool
}

// NewGuard returns a guard that runs exe (gorerun's own executable) with
// GuardArg.
func NewGuard(exe string) *Guard { return &Guard{exe: exe} }

// watch adds a group, starting the guard process if needed. Without a
// guard (nil, or one that cannot start) it does nothing: the process
// groups and the parent-death signal still stop go test.
func (g *Guard) watch(pgid int) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w == nil && !g.failed {
		g.failed = g.start() != nil
	}
	if g.w != nil {
		fmt.Fprintf(g.w, "+%d\n", pgid)
	}
}

// unwatch removes a group that ended.
func (g *Guard) unwatch(pgid int) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w != nil {
		fmt.Fprintf(g.w, "-%d\n", pgid)
	}
}

func (g *Guard) start() error {
	cmd := exec.Command(g.exe, GuardArg)
	cmd.SysProcAttr = guardProcAttr()
	w, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	g.cmd, g.w = cmd, w
	return nil
}

// Close says goodbye: the guard exits without killing anything.
func (g *Guard) Close() {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.w == nil {
		return
	}
	io.WriteString(g.w, "q\n")
	g.w.Close()
	g.cmd.Wait()
	g.w = nil
}

// RunGuard is the guard process: it reads "+PGID" and "-PGID" lines from r
// and, when r ends without a "q" line (gorerun is gone), kills every group
// still listed.
func RunGuard(r io.Reader) {
	ignoreSignals()
	guard(r)
}

// guard is RunGuard without changing how the process takes signals.
func guard(r io.Reader) {
	groups := map[int]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "q" {
			return
		}
		if len(line) < 2 {
			continue
		}
		pgid, err := strconv.Atoi(line[1:])
		if err != nil || pgid <= 1 {
			continue
		}
		if line[0] == '+' {
			groups[pgid] = true
		} else {
			delete(groups, pgid)
		}
	}
	for pgid := range groups {
		killGroup(pgid)
	}
}

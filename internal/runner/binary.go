package runner

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/runner/proc"
	"github.com/gorerun/gorerun/internal/runner/testbin"
)

// NewBinaries returns a store for the test binaries of runs of cfg, for a
// caller that runs many (a hunt): Close it when done.
func NewBinaries(ctx context.Context, cfg Config) *testbin.Store {
	cfg = withDefaults(cfg)
	flags := buildFlags(cfg.Flags)
	if target, ok := GoFlag(cfg.Flags, "coverprofile"); ok && target != "" && !boolFlag(cfg.Flags, "cover") {
		flags = append(flags, "-cover") // what -coverprofile builds with
	}
	return testbin.New(testbin.Config{Dir: cfg.Dir, Env: cfg.Env, BuildFlags: flags, LinkFlags: linkFlags(ctx, cfg),
		Keep:     cfg.BinariesDir,
		GoOutput: func(ctx context.Context, args ...string) (string, error) { return goOutput(ctx, cfg, args...) }})
}

// omitDebug is how go test links a binary it runs and does not keep: no
// symbol table, no DWARF (cmd/go's OmitDebug). go test -c and -o link
// with both, which took a fifth longer: 0.58 s against 0.48 s for go test
// -c of testdata/modules/heavy/pair (medians of 5).
const omitDebug = "-ldflags=-s -w"

// linkFlags are the flags a kept binary links with: omitDebug, so that it
// is the binary go test would have run, unless the user set -ldflags in
// the go test flags or in GOFLAGS: one -ldflags replaces another, and
// theirs must stay.
func linkFlags(ctx context.Context, cfg Config) []string {
	if _, ok := GoFlag(cfg.Flags, "ldflags"); ok {
		return nil
	}
	env := cfg.GoEnv
	if env == nil {
		e := GoEnv(ctx, cfg)
		env = &e
	}
	if _, ok := GoFlag(strings.Fields(env.GoFlags), "ldflags"); ok {
		return nil
	}
	return []string{omitDebug}
}

// keepBinaries sets up the run's binary store: the caller's, or one of its
// own that done removes. None when the user's flags need go test for every
// process (-exec, the profile flags, ...) or with NoKeep.
func keepBinaries(ctx context.Context, cfg Config) (Config, func()) {
	if cfg.NoKeep {
		cfg.Binaries = nil
		return cfg, func() {}
	}
	if _, err := testbin.BinaryArgs(testbin.Args{Flags: cfg.Flags}); err != nil {
		if cfg.Debug != nil {
			fmt.Fprintf(cfg.Debug, "gorerun: debug: every process runs through go test: %v\n", err)
		}
		cfg.Binaries = nil
		return cfg, func() {}
	}
	done := func() {}
	if cfg.Binaries == nil {
		st := NewBinaries(ctx, cfg)
		cfg.Binaries, done = st, func() { st.Close() }
	}
	// test2json is looked up while the first round runs; with workers,
	// once their groups are listed (go list and the lookup would compete
	// for the cores the link of the workers' binaries needs next).
	if cfg.Plan.MaxReruns > 0 || len(cfg.First) > 0 {
		cfg.Binaries.Prefetch(ctx)
	}
	return cfg, done
}

// keepFlags are the go test flags that keep the binaries a first round
// builds, when reruns may run them.
func keepFlags(cfg Config) []string {
	if cfg.Binaries == nil || cfg.Plan.MaxReruns == 0 {
		return nil
	}
	args, err := cfg.Binaries.KeepArgs()
	if err != nil {
		return nil
	}
	return args
}

// plainFirst runs a first round as one go test of pkgs, keeping the test
// binaries it builds for the reruns.
func plainFirst(ctx context.Context, cfg Config, pkgs []string) (*grouping.Attempt, error) {
	rd := newRound(cfg, cfg.FirstAttempt)
	err := execKeeping(ctx, cfg, pkgs, rd)
	if err == nil {
		err = rd.resumeCrashed(ctx)
	}
	if err == nil && boolFlag(cfg.Flags, "failfast") {
		// go test -failfast starts no package after a failure: name the
		// packages it skipped, so they are not silently missing.
		if all, lerr := ListPackages(ctx, cfg); lerr == nil {
			rd.mu.Lock()
			rd.tracker.NotStarted(all, "not run: go test -failfast stopped before this package")
			rd.mu.Unlock()
		}
	}
	return rd.finish(), err
}

// execKeeping runs one go test of pkgs in rd with the binaries kept (see
// keepFlags). When two of the packages' binaries would share a name
// (a/util and b/util: go test refuses to write both), it runs them
// without keeping any; reruns then build theirs once.
func execKeeping(ctx context.Context, cfg Config, pkgs []string, rd *round) error {
	keep := keepFlags(cfg)
	if keep == nil {
		return rd.exec(ctx, goTestArgs(cfg.Flags, nil, pkgs...))
	}
	gate := &gateWriter{w: cfg.Stderr}
	err := rd.execHeld(ctx, goTestArgs(cfg.Flags, keep, pkgs...), gate)
	var goErr *GoTestError
	if errors.As(err, &goErr) && strings.Contains(goErr.Msg, "cannot write test binary") {
		// go test printed nothing else: the round has no event yet.
		return rd.exec(ctx, goTestArgs(cfg.Flags, nil, pkgs...))
	}
	gate.open()
	cfg.Binaries.Adopt(rd.packages())
	return err
}

// packages lists the import paths of the round's packages.
func (rd *round) packages() []string {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	var out []string
	for _, p := range rd.tracker.Packages() {
		out = append(out, p.ImportPath)
	}
	return out
}

// rerun runs the groups r selects in one process of the round: the
// package's kept test binary when it has one, else go test.
func (rd *round) rerun(ctx context.Context, r grouping.Rerun) error {
	if ran, err := rd.execKept(ctx, r.Package, rerunFlags(rd.cfg, r)); ran {
		return err
	}
	return rd.exec(ctx, rerunArgs(rd.cfg, r))
}

// runWorker runs a --workers process of the first round: the package's
// test binary (built once for all its workers), else go test.
func (rd *round) runWorker(ctx context.Context, r grouping.Rerun) error {
	if r.Worker > 0 {
		if ran, err := rd.execKept(ctx, r.Package, workerFlags(rd.cfg, r)); ran {
			return err
		}
	}
	return rd.exec(ctx, workerArgs(rd.cfg, r))
}

// execKept runs pkg's kept test binary with the user's flags and extra
// (go test's form), as go test -json would run it (see keptRun). ran is
// false when the package has no binary to run (it does not build here,
// or test2json is missing): the caller runs go test.
func (rd *round) execKept(ctx context.Context, pkg string, extra []string) (ran bool, err error) {
	st := rd.cfg.Binaries
	if st == nil {
		return false, nil
	}
	bin, err := st.Binary(ctx, pkg)
	var dir, t2j string
	if err == nil {
		dir, err = st.SourceDir(ctx, pkg)
	}
	if err == nil {
		t2j, err = st.Test2JSON(ctx)
	}
	if err != nil {
		if ctx.Err() != nil {
			return true, fmt.Errorf("%w", ErrInterrupted)
		}
		if rd.cfg.Debug != nil {
			fmt.Fprintf(rd.cfg.Debug, "gorerun: debug: %s runs through go test: %v\n", pkg, err)
		}
		return false, nil
	}
	a := testbin.Args{Flags: rd.cfg.Flags, Extra: extra, Dir: rd.goDir()}
	if rd.cfg.cover != nil {
		a.CoverProfile = rd.cfg.cover.Next()
	}
	binArgs, err := testbin.BinaryArgs(a)
	if err != nil {
		return false, nil
	}
	k := &keptRun{bin: proc.Command(ctx, rd.cfg.Guard, bin, binArgs...),
		t2j: exec.Command(t2j, "-t", "-p", pkg), tail: testbin.Tail{Package: pkg}}
	k.bin.Cmd.Dir = dir
	k.bin.Cmd.Env = append(rd.env(), "PWD="+dir)
	var stderr bytes.Buffer
	k.t2j.Stderr = io.MultiWriter(rd.cfg.Stderr, &limitedBuffer{buf: &stderr, max: 4096})
	stdout, err := k.t2j.StdoutPipe()
	if err != nil {
		return true, fmt.Errorf("test2json: %w", err)
	}
	return true, rd.stream(ctx, k, stdout, &stderr, nil, bin, dir, binArgs)
}

// keptRun is a kept test binary running as go test -json runs it: its
// output (stdout and stderr together) goes through go test's lines for
// its end (testbin.Tail) to test2json, whose events the round reads.
// The binary runs in a process group of its own (interrupts reach it);
// test2json reads on until the binary's output ends.
type keptRun struct {
	bin  *proc.Process
	t2j  *exec.Cmd
	tail testbin.Tail
	in   *os.File      // test2json's input
	done chan struct{} // closed when the binary ended and its tail is written
	err  error         // how the binary exited
}

func (k *keptRun) Start() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	k.t2j.Stdin = r
	if err := k.t2j.Start(); err != nil {
		r.Close()
		w.Close()
		return err
	}
	r.Close()
	k.in, k.tail.W = w, w
	// One writer for both: the binary's stdout and stderr share a pipe,
	// as go test gives them.
	k.bin.Cmd.Stdout, k.bin.Cmd.Stderr = &k.tail, &k.tail
	start := time.Now()
	if err := k.bin.Start(); err != nil {
		w.Close()
		k.t2j.Wait()
		return err
	}
	k.done = make(chan struct{})
	go func() {
		defer close(k.done)
		k.err = k.bin.Wait()
		k.tail.Finish(k.err, time.Since(start))
		k.in.Close()
	}()
	return nil
}

// Wait waits for the binary and test2json, and returns how the binary
// exited.
func (k *keptRun) Wait() error {
	<-k.done
	if err := k.t2j.Wait(); err != nil && k.err == nil {
		return fmt.Errorf("test2json: %w", err)
	}
	return k.err
}

// gateWriter holds what is written until it is opened, then passes it
// on: go test's complaint that it cannot keep the binaries is dropped
// (it runs again without keeping them), anything else is shown.
type gateWriter struct {
	mu     sync.Mutex
	w      io.Writer
	buf    bytes.Buffer
	opened bool
}

// maxHeld is how much a gateWriter holds before it opens by itself.
const maxHeld = 64 << 10

func (g *gateWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.opened && g.buf.Len()+len(p) <= maxHeld {
		return g.buf.Write(p)
	}
	g.openLocked()
	return g.w.Write(p)
}

// open writes what was held and passes the rest on.
func (g *gateWriter) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.openLocked()
}

func (g *gateWriter) openLocked() {
	if !g.opened {
		g.opened = true
		g.w.Write(g.buf.Bytes())
		g.buf.Reset()
	}
}

// goDir is the absolute directory go test runs in (the run's -C, else
// gorerun's own).
func (rd *round) goDir() string {
	dir, err := filepath.Abs(cmp.Or(rd.cfg.Dir, "."))
	if err != nil {
		return rd.cfg.Dir
	}
	return dir
}

package session

import (
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
	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/file/outpath"
	"github.com/gorerun/gorerun/internal/file/spool"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/internal/output/history"
	"github.com/gorerun/gorerun/internal/output/lastfailed"
	"github.com/gorerun/gorerun/internal/output/terminal"
	"github.com/gorerun/gorerun/internal/quarantine"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/gorerun/gorerun/internal/runner/proc"
	"github.com/gorerun/gorerun/internal/tool/shard"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/testjson"
)

// Config is one invocation, as plain values.
type Config struct {
	Dir      string   // run go test here (-C)
	Packages []string // package patterns; ./... when empty
	GoFlags  []string // the user's go test flags

	Input string    // a recorded stream to read instead of running go test ("-": Stdin)
	Stdin io.Reader // for Input "-"

	Plan     grouping.PlanOptions
	Parallel int           // packages rerun at once, and -p of reruns
	Delay    time.Duration // before each rerun round
	Tracker  grouping.Options

	Shard        string   // "K/N", or "" for all packages
	ShardBy      string   // "group": split groups over shards; packages otherwise
	ShardTimings []string // reports or streams with package (and group) durations
	Workers      int      // deal each package's groups to this many processes (≤1: one)

	LastFailed     bool   // run only what failed last time
	LastFailedFile string // ... as recorded in this file instead of the cache
	LastFailedNone bool   // nothing recorded: run nothing (instead of everything)
	CacheDir       string // the cache's directory; .gorerun in the module root when empty

	// OnlyLast shows and reports the final attempt only (--rerun-only-last).
	OnlyLast  bool
	Terminal  terminal.Options // the terminal's shape (the rerun policy, output cap and OnlyLast are filled in)
	JUnit     junitout.Options // shape of --junitfile and --update-xml (the output cap, OnlyLast, versions, host and time are filled in)
	JUnitFile string
	// JUnitAttachments is how [[ATTACHMENT|path]] lines name artifacts:
	// "relative" to the working directory, else absolute.
	JUnitAttachments string
	// SameShuffle reruns a shuffled package in its failed attempt's order
	// (--rerun-same-shuffle).
	SameShuffle bool
	JSONFile    string
	UpdateXML   string
	SummaryMD   string // append the Markdown summary here ($GITHUB_STEP_SUMMARY resolved by the caller)

	HTMLFile  string // --html: the HTML report
	History   string // the history database ("": .gorerun/history.db beside the cache)
	NoHistory bool   // record nothing
	// QuarantineFile lists quarantined groups; QuarantineAuto quarantines
	// the groups whose flake rate in the history is above it, over at
	// least QuarantineMinRuns runs.
	QuarantineFile    string
	QuarantineAuto    float64
	QuarantineMinRuns int
	Command           string    // the command line, shown in the HTML report
	JSONTimingFile    string    // --jsonfile-timing-events: the pass, skip and fail events only
	RerunReport       string    // --rerun-fails-report: gotestsum's report of the rerun tests
	PostRunCommand    []string  // run after everything is written, with gotestsum's environment
	RawCommand        bool      // GoFlags is a command that prints go test -json: run it instead of go test
	MaxFails          int       // stop the run after this many test failures (0: never)
	Debug             io.Writer // where the go commands run are logged (nil: nowhere)
	// Guard kills the test processes should gorerun be killed (nil: none).
	Guard *proc.Guard
	// NoKeepBinaries runs every test process through go test instead of
	// rerunning the test binaries the run built (GORERUN_KEEP_BINARIES=0).
	NoKeepBinaries bool
	// BinariesDir keeps the test binaries from run to run
	// (GORERUN_BINARIES_DIR): go test skips the link of an unchanged
	// package. Empty: a temporary directory per run.
	BinariesDir string

	Stdout, Stderr io.Writer
	// Hold, when set, is told the size of a file the run keeps in memory
	// to its end (the --update-xml report), so that the caller can size
	// the process's memory limit.
	Hold func(bytes int64)
}

func usage(err error) error { return cli.Usage(err) }

// Run runs the invocation and returns its exit code. An error is printed
// by the caller; with a *cli.UsageError the code is cli.ExitUsage.
func Run(ctx context.Context, cfg Config) (int, error) {
	code, err := run(ctx, cfg)
	if cli.IsUsage(err) {
		return cli.ExitUsage, err
	}
	return code, err
}

func run(ctx context.Context, cfg Config) (int, error) {
	if err := checkFiles(cfg); err != nil {
		return cli.ExitUsage, usage(err)
	}
	start := time.Now()
	f := &facts{ctx: ctx, cfg: cfg}
	defer f.close()
	f.prefetch()
	q, err := f.quarantined()
	if err != nil {
		return cli.ExitUsage, usage(err)
	}
	if q.Len() > 0 {
		cfg.Terminal.Quarantined, cfg.JUnit.Quarantined = q.Has, q.Has
	}
	o, err := open(f, cfg, start)
	if err != nil {
		return cli.ExitUsage, err
	}
	defer o.list.Abort() // a no-op for outputs already finished
	defer o.spool.Close()
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	if cfg.MaxFails > 0 {
		o.observers = append(o.observers, &failLimit{max: cfg.MaxFails, stop: stop})
	}

	p, err := produce(runCtx, f, cfg, o)
	if err != nil {
		return cli.ExitUsage, err
	}
	if p.nothingToRun {
		return cli.ExitOK, nil
	}
	report, runErr := p.report, p.runErr
	stoppedEarly := errors.Is(context.Cause(runCtx), errMaxFails) && ctx.Err() == nil
	interrupted := (errors.Is(runErr, runner.ErrInterrupted) || ctx.Err() != nil) && !stoppedEarly
	if runErr != nil && !interrupted && !stoppedEarly {
		return cli.ExitFailed, runErr
	}
	if n, first := report.ClampedElapsed(); n > 0 {
		fmt.Fprintf(cfg.Stderr, "gorerun: warning: %d events have an impossible Elapsed (the first: %g seconds): reported as 0, or %s at most\n",
			n, first, testjson.MaxElapsed)
	}
	report.Freeze() // every output reads the same histories
	result := output.Result{Report: report, Elapsed: time.Since(start), Interrupted: interrupted}
	if err := o.finish(result, cfg.Stderr); err != nil {
		if interrupted {
			fmt.Fprintf(cfg.Stderr, "gorerun: %v\n", err)
			fmt.Fprintln(cfg.Stderr, "gorerun: interrupted: the results above are partial")
			return cli.ExitInterrupted, nil
		}
		return cli.ExitFailed, err
	}
	return verdict(cfg, report, q, o, p.commandFailed, interrupted, stoppedEarly), nil
}

// verdict is the exit code of a run whose outputs are finished: from the
// report (quarantined groups aside) or the output that decides it
// (--update-xml), unless the run was interrupted or stopped early.
func verdict(cfg Config, report *grouping.Report, q *quarantine.List, o *outputs, commandFailed, interrupted, stoppedEarly bool) int {
	failed := report.Failed()
	if q.Len() > 0 {
		failed = q.Failed(report)
	}
	if v := o.verdict(); v != nil {
		failed = v.Failed()
	}
	switch {
	case interrupted:
		fmt.Fprintln(cfg.Stderr, "gorerun: interrupted: the results above are partial")
		return cli.ExitInterrupted
	case stoppedEarly:
		fmt.Fprintf(cfg.Stderr, "gorerun: stopped after %d test failures (--max-fails %d): the results above are partial\n", cfg.MaxFails, cfg.MaxFails)
		return cli.ExitFailed
	case failed || commandFailed:
		return cli.ExitFailed
	}
	return cli.ExitOK
}

// produced is what a run made: its report, and how it ended.
type produced struct {
	report        *grouping.Report
	commandFailed bool  // --raw-command exited non-zero although every test passed
	runErr        error // how the go test rounds ended (interrupted, stopped, failed)
	nothingToRun  bool  // this shard or --last-failed selection is empty
}

// produce makes the run's report: from --raw-command, a recorded stream,
// or go test rounds. An error refuses the run (*cli.UsageError).
func produce(ctx context.Context, f *facts, cfg Config, o *outputs) (produced, error) {
	var p produced
	var err error
	switch {
	case cfg.RawCommand:
		p.report, p.commandFailed, err = runRaw(ctx, cfg, o)
	case cfg.Input != "":
		p.report, err = readInput(cfg, o)
	default:
		p.report, p.nothingToRun, p.runErr = runTests(ctx, f, cfg, o)
		var goErr *runner.GoTestError
		if errors.As(p.runErr, &goErr) || errors.Is(p.runErr, exec.ErrNotFound) || cli.IsUsage(p.runErr) {
			err = p.runErr
		}
	}
	if err != nil {
		return p, usage(err)
	}
	return p, nil
}

// errMaxFails is why a run stopped at --max-fails.
var errMaxFails = errors.New("too many failures")

// failLimit stops the run (and so go test) once max tests have failed,
// counting every failed test and subtest in every attempt, as gotestsum's
// --max-fails does.
type failLimit struct {
	output.Hooks
	max, failed int
	stop        context.CancelCauseFunc
}

func (f *failLimit) Event(_ int, ev *testjson.Event, _ []byte, _ *grouping.Package) {
	if ev.Test != "" && ev.Action == testjson.ActionFail {
		if f.failed++; f.failed == f.max {
			f.stop(errMaxFails)
		}
	}
}

func (f *failLimit) Finish(output.Result) error { return nil }

// runRaw runs --raw-command: the command after -- prints go test -json,
// read as a recorded stream as it comes. commandFailed is set when the
// command exited non-zero although every test passed (a script that ran
// more than go test).
func runRaw(ctx context.Context, cfg Config, o *outputs) (*grouping.Report, bool, error) {
	p := proc.Command(ctx, cfg.Guard, cfg.GoFlags[0], cfg.GoFlags[1:]...)
	cmd := p.Cmd
	cmd.Dir = cfg.Dir
	cmd.Stderr = cfg.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, false, fmt.Errorf("--raw-command: %w", err)
	}
	if err := p.Start(); err != nil {
		return nil, false, fmt.Errorf("--raw-command %s: %w", cfg.GoFlags[0], err)
	}
	if cfg.Debug != nil {
		fmt.Fprintf(cfg.Debug, "gorerun: debug: running %s\n", strings.Join(cfg.GoFlags, " "))
	}
	obs := newStreamed(o.observers, cfg.UpdateXML == "", o.spool)
	defer obs.stop()
	report, readErr := runner.Read(stdout, "--raw-command output", obs, cfg.Tracker)
	io.Copy(io.Discard, stdout) // let the command finish writing
	waitErr := p.Wait()
	if errors.Is(readErr, runner.ErrTruncated) {
		readErr = nil
	}
	if readErr != nil {
		if waitErr != nil {
			return report, false, fmt.Errorf("%w (the command: %v)", readErr, waitErr)
		}
		return report, false, readErr
	}
	if waitErr != nil && ctx.Err() == nil {
		fmt.Fprintf(cfg.Stderr, "gorerun: --raw-command %s: %v\n", cfg.GoFlags[0], waitErr)
		return report, true, nil
	}
	return report, false, nil
}

// streamed hands the packages of a recorded stream to the outputs as they
// end, then drops their passing groups (a package that runs again in the
// stream keeps them, for its histories). It does that on a goroutine of
// its own, while the stream is read on: runner.Read does not touch an
// ended package again (see output.PackageDoner).
type streamed struct {
	output.List
	compact bool
	spool   *spool.File // where the output of the failed tests kept goes
	jobs    chan *grouping.Package
	pending sync.WaitGroup // packages handed over and not done
	stopped chan struct{}  // closed when the goroutine has returned
}

func newStreamed(l output.List, compact bool, sp *spool.File) *streamed {
	s := &streamed{List: l, compact: compact, spool: sp, jobs: make(chan *grouping.Package, 64), stopped: make(chan struct{})}
	go func() {
		defer close(s.stopped)
		for p := range s.jobs {
			s.packageDone(p)
			s.pending.Done()
		}
	}()
	return s
}

// dropBatch is how many ended groups of a running package are written
// and dropped at a time.
const dropBatch = 256

// Event passes the event on; then, when enough leading groups of a
// package have ended, they are written and those that passed dropped, so
// that one package of a million passing tests does not stay in memory.
func (s *streamed) Event(attempt int, ev *testjson.Event, line []byte, pkg *grouping.Package) {
	s.List.Event(attempt, ev, line, pkg)
	if !s.compact || pkg == nil || pkg.Attempt != 1 || ev.Attempt > 0 || ev.Test == "" || !ev.Action.IsTerminal() || strings.Contains(ev.Test, "/") {
		return
	}
	if k := pkg.CompletePrefix(); k-pkg.Written >= dropBatch {
		s.pending.Wait() // the outputs take packages in order
		s.List.PrefixDone(pkg, k)
		pkg.DropPassedPrefix(k)
	}
}

// PackageDone hands p to the goroutine.
func (s *streamed) PackageDone(p *grouping.Package) {
	s.pending.Add(1)
	s.jobs <- p
}

// Drain waits for the packages handed over.
func (s *streamed) Drain() { s.pending.Wait() }

// stop ends the goroutine, after the packages handed over.
func (s *streamed) stop() {
	close(s.jobs)
	<-s.stopped
}

func (s *streamed) packageDone(p *grouping.Package) {
	s.List.PackageDone(p)
	if s.compact && p.Attempt == 1 {
		p.Compact(s.spool)
	}
}

func readInput(cfg Config, o *outputs) (*grouping.Report, error) {
	obs := newStreamed(o.observers, cfg.UpdateXML == "", o.spool)
	defer obs.stop()
	var report *grouping.Report
	var err error
	if cfg.Input == "-" {
		report, err = runner.Read(cfg.Stdin, "stdin", obs, cfg.Tracker)
	} else {
		f, oerr := os.Open(cfg.Input)
		if oerr != nil {
			return nil, fmt.Errorf("--input: %w", oerr)
		}
		defer f.Close()
		if st, serr := f.Stat(); serr == nil && st.IsDir() {
			return nil, fmt.Errorf("--input %s: is a directory: give a file recorded with go test -json", cfg.Input)
		}
		report, err = runner.Read(f, cfg.Input, obs, cfg.Tracker)
	}
	if errors.Is(err, runner.ErrTruncated) {
		fmt.Fprintf(cfg.Stderr, "gorerun: warning: %v\n", err)
		err = nil
	}
	return report, err
}

// Runner is how the run's go test processes run: where, which packages,
// with which flags, how many at once, the binaries kept; what reruns
// (the plan, the delay) and tracking are added by the caller that reruns.
// --hunt runs its processes with it too.
func (cfg Config) Runner() runner.Config {
	return runner.Config{Dir: cfg.Dir, Packages: cfg.Packages, Flags: cfg.GoFlags, Parallel: cfg.Parallel,
		Stderr: cfg.Stderr, Debug: cfg.Debug, Guard: cfg.Guard, NoKeep: cfg.NoKeepBinaries, BinariesDir: cfg.BinariesDir}
}

// runTests runs go test: this shard's packages, or what failed last time.
// done is set when there is nothing to run.
func runTests(ctx context.Context, f *facts, cfg Config, o *outputs) (*grouping.Report, bool, error) {
	rc := cfg.Runner()
	rc.Plan, rc.Delay, rc.Tracker, rc.SameShuffle = cfg.Plan, cfg.Delay, cfg.Tracker, cfg.SameShuffle
	env := f.goEnv() // asked once for the whole run
	rc.GoEnv = &env
	byGroup := cfg.Shard != "" && cfg.ShardBy == "group"
	if cfg.Workers > 1 || byGroup {
		rc.Workers = cfg.Workers
		timings, err := f.groupTimings()
		if err != nil {
			return nil, false, usage(err)
		}
		rc.GroupTimings = timings
	}
	if byGroup {
		list, err := runner.ListGroups(ctx, rc)
		if err != nil {
			return nil, false, usage(err)
		}
		mine, note, err := shard.SelectGroups(cfg.Shard, list, rc.GroupTimings)
		if err != nil {
			return nil, false, usage(err)
		}
		fmt.Fprintf(cfg.Stdout, "gorerun: %s\n", note)
		if len(mine) == 0 {
			return nil, true, nil
		}
		rc.Groups = mine
		rc.Packages = nil
		for _, pg := range mine {
			rc.Packages = append(rc.Packages, pg.Package)
		}
	} else if cfg.Shard != "" {
		pkgs, err := runner.ListPackages(ctx, rc)
		if err != nil {
			return nil, false, usage(err)
		}
		mine, note, err := shard.Select(cfg.Shard, cfg.ShardTimings, pkgs)
		if err != nil {
			return nil, false, usage(err)
		}
		fmt.Fprintf(cfg.Stdout, "gorerun: %s\n", note)
		if len(mine) == 0 {
			return nil, true, nil
		}
		rc.Packages = mine
	}
	if cfg.LastFailed {
		sel, err := selectLastFailed(ctx, cfg, rc, cacheFor(f, cfg), cfg.UpdateXML != "")
		if err != nil {
			return nil, false, usage(err)
		}
		fmt.Fprintf(cfg.Stdout, "gorerun: %s\n", sel.Note)
		if sel.Reruns == nil && cfg.LastFailedNone {
			return nil, true, nil
		}
		if sel.Reruns != nil {
			rc.First = sel.Reruns
			rc.FirstAttempt = sel.AttemptsMade + 1
			o.term.SetFirstAttempt(sel.AttemptsMade + 1)
		}
	}
	rc.Observer = o.observers
	report, err := runner.Run(ctx, rc)
	return report, false, err
}

// cacheFor returns the last-failed cache: CacheDir, or .gorerun in the
// main module's root; nil outside a module.
func cacheFor(f *facts, cfg Config) *lastfailed.Cache {
	if cfg.CacheDir != "" {
		return &lastfailed.Cache{Dir: cfg.CacheDir}
	}
	root := f.moduleRoot()
	if root == "" {
		return nil
	}
	return &lastfailed.Cache{Dir: filepath.Join(root, lastfailed.DirName)}
}

// selectLastFailed decides what --last-failed runs: from LastFailedFile,
// the cache, or (nothing recorded) the --update-xml report.
func selectLastFailed(ctx context.Context, cfg Config, rc runner.Config, cache *lastfailed.Cache, haveUpdateXML bool) (lastfailed.Selection, error) {
	whatNow := "running everything"
	if cfg.LastFailedNone {
		whatNow = "nothing to run (--last-failed-no-failures=none)"
	}
	var failures grouping.Failures
	var source string
	switch {
	case cfg.LastFailedFile != "":
		f, err := lastfailed.FromFile(cfg.LastFailedFile)
		if err != nil {
			return lastfailed.Selection{}, fmt.Errorf("--last-failed=%s: %w", cfg.LastFailedFile, err)
		}
		failures, source = f, cfg.LastFailedFile
	default:
		recorded := false
		if cache != nil {
			f, ok, err := cache.LoadOrWarn(cfg.Stderr)
			if err != nil {
				return lastfailed.Selection{}, err
			}
			failures, recorded, source = f, ok, cache.Path()
		}
		if !recorded && haveUpdateXML {
			f, err := lastfailed.FromFile(cfg.UpdateXML)
			if err != nil {
				return lastfailed.Selection{}, fmt.Errorf("--update-xml %s: %w", cfg.UpdateXML, err)
			}
			failures, source = f, cfg.UpdateXML
		}
		if source == "" || (!recorded && !haveUpdateXML) {
			return lastfailed.Selection{Note: "no previous failures recorded; " + whatNow}, nil
		}
	}
	pkgs, err := runner.ListPackages(ctx, rc)
	if err != nil {
		return lastfailed.Selection{}, err
	}
	return lastfailed.Select(failures, source, pkgs, whatNow), nil
}

// historyFlag is the history file named by --history, when one is
// recorded.
func (cfg Config) historyFlag() string {
	if cfg.NoHistory || history.IsURL(cfg.History) {
		return "" // a URL is not a file to check
	}
	return cfg.History
}

// checkFiles refuses, before anything runs, an output that is the same
// file as an input or as another output, or that cannot be a file, and a
// -C directory that does not exist; then it removes the temporary files
// killed runs left next to the outputs.
func checkFiles(cfg Config) error {
	if cfg.Dir != "" {
		st, err := os.Stat(cfg.Dir)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("-C %s: no such directory", cfg.Dir)
		case err != nil:
			return fmt.Errorf("-C %s: %w", cfg.Dir, err)
		case !st.IsDir():
			return fmt.Errorf("-C %s: not a directory", cfg.Dir)
		}
	}
	var inputs, outputs []outpath.Named
	if cfg.Input != "" && cfg.Input != "-" {
		inputs = append(inputs, outpath.Named{Flag: "--input", Path: cfg.Input})
	}
	if cfg.LastFailedFile != "" {
		inputs = append(inputs, outpath.Named{Flag: "--last-failed", Path: cfg.LastFailedFile})
	}
	for _, f := range cfg.ShardTimings {
		inputs = append(inputs, outpath.Named{Flag: "--shard-timings", Path: f})
	}
	for _, f := range []outpath.Named{{Flag: "--junitfile", Path: cfg.JUnitFile}, {Flag: "--jsonfile", Path: cfg.JSONFile},
		{Flag: "--summary-md", Path: cfg.SummaryMD}, {Flag: "--update-xml", Path: cfg.UpdateXML},
		{Flag: "--jsonfile-timing-events", Path: cfg.JSONTimingFile}, {Flag: "--rerun-fails-report", Path: cfg.RerunReport},
		{Flag: "--html", Path: cfg.HTMLFile}, {Flag: "--history", Path: cfg.historyFlag()}} {
		if f.Path != "" {
			outputs = append(outputs, f)
		}
	}
	if err := outpath.Check(inputs, outputs, "--summary-md"); err != nil {
		return err
	}
	for _, out := range outputs {
		if out.Flag != "--summary-md" && out.Flag != "--history" { // appended to, never replaced
			outpath.RemoveStale(out.Path, cfg.Stderr)
		}
	}
	return nil
}

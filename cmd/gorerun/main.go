// Command gorerun runs go test -json, shows live progress, reruns failed
// test groups in fresh processes and writes JUnit reports. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/lastfailed"
	"github.com/gorerun/gorerun/render"
	"github.com/gorerun/gorerun/runner"
	"github.com/gorerun/gorerun/testjson"
)

// version is set at link time by -ldflags "-X main.version=v1.2.3".
var version = ""

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

func main() {
	ctx, stop := signalContext(os.Exit)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// signalContext returns a context canceled on the first SIGINT or SIGTERM;
// a second signal exits at once.
func signalContext(exit func(int)) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case <-sigs:
			fmt.Fprintln(os.Stderr, "gorerun: interrupted twice, exiting now")
			exit(exitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() { signal.Stop(sigs); close(done); cancel() }
}

// exitError carries an exit code to run's single error exit.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	code, err := runErr(ctx, args, stdin, stdout, stderr, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "gorerun: %v\n", err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return exitFailed
	}
	return code
}

func runErr(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (int, error) {
	if len(args) > 0 {
		switch args[0] {
		case "shard-plan":
			return runShardPlan(ctx, args[1:], stdout, getenv)
		case "merge":
			return runMerge(args[1:], stdout, stderr)
		}
	}
	o, err := parseOptions(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK, nil
	}
	if err != nil {
		return exitUsage, usageError(err)
	}
	if o.version {
		fmt.Fprintf(stdout, "gorerun %s\n", versionString())
		return exitOK, nil
	}
	if err := checkFiles(o, getenv, stderr); err != nil {
		return exitUsage, usageError(err)
	}
	start := time.Now()
	term := render.NewTerminal(stdout, render.Options{
		Format:           o.format,
		Color:            useColor(stdout, getenv),
		HideRerunDetails: o.hideRerunDetails,
		OnlyLast:         o.rerunOnlyLast,
		MaxReruns:        o.rerunClassMax,
		RerunDelay:       time.Duration(o.rerunDelay),
		MaxOutput:        int(o.junitMaxOutput),
	})
	obs := observers{term}
	var jf *jsonFile
	if o.jsonFile != "" {
		if jf, err = createJSONFile(o.jsonFile); err != nil {
			return exitUsage, usageError(err)
		}
		defer jf.abort()
		obs = append(obs, jf)
	}
	trackOpts := grouping.Options{KeepPassingOutput: o.junitOutput == "all", MaxOutput: int(o.junitMaxOutput)}

	var junitOpts junitout.Options
	if o.junitFile != "" || o.updateXML != "" {
		junitOpts = junitOptions(ctx, o, start)
	}
	var junit *junitout.Stream
	if o.junitFile != "" {
		// Created up front: an unwritable path is refused before a test runs.
		if junit, err = junitout.NewStream(o.junitFile, junitOpts); err != nil {
			return exitUsage, usageError(fmt.Errorf("--junitfile: %w", err))
		}
		defer junit.Abort()
	}
	var updateOld []byte
	if o.updateXML != "" {
		if updateOld, err = readUpdateXML(o.updateXML); err != nil {
			return exitUsage, usageError(err)
		}
	}

	var report *grouping.Report
	var runErr error
	var cache *lastfailed.Cache
	if o.input != "" {
		var in runner.Observer = obs
		var streamed *streamedInput
		if o.updateXML == "" {
			// A recorded stream is never rerun: write each package's results
			// as it ends and keep only its failures and skips.
			streamed = &streamedInput{observers: obs, junit: junit}
			in = streamed
		}
		report, runErr = readInput(o.input, stdin, in, trackOpts)
		if streamed != nil && streamed.err != nil {
			return exitFailed, fmt.Errorf("--junitfile: %w", streamed.err)
		}
		if runErr != nil && !errors.Is(runErr, runner.ErrTruncated) {
			return exitUsage, usageError(runErr)
		}
		if runErr != nil {
			fmt.Fprintf(stderr, "gorerun: warning: %v\n", runErr)
			runErr = nil
		}
	} else {
		cfg := runner.Config{
			Dir:      o.dir,
			Packages: o.packages,
			Flags:    o.goFlags,
			Plan:     grouping.PlanOptions{MaxReruns: o.rerunClassMax, MaxFailures: o.rerunMaxFailures},
			Parallel: o.rerunParallel,
			Delay:    time.Duration(o.rerunDelay),
			Tracker:  trackOpts,
			Observer: obs,
			Stderr:   stderr,
		}
		if o.shard != "" {
			pkgs, note, err := shardPackages(ctx, o, cfg)
			if err != nil {
				return exitUsage, usageError(err)
			}
			fmt.Fprintf(stdout, "gorerun: %s\n", note)
			if len(pkgs) == 0 {
				return exitOK, nil
			}
			cfg.Packages = pkgs
		}
		cache = cacheFor(ctx, o, cfg)
		if o.lastFailed.on {
			first, made, note, err := planLastFailed(ctx, o, cfg, cache, updateOld != nil, stderr)
			if err != nil {
				return exitUsage, usageError(err)
			}
			fmt.Fprintf(stdout, "gorerun: %s\n", note)
			if first == nil && o.lastFailedNone == "none" {
				return exitOK, nil
			}
			cfg.First = first
			if first != nil {
				cfg.FirstAttempt = made + 1
				term.SetFirstAttempt(made + 1)
			}
		}
		report, runErr = runner.Run(ctx, cfg)
	}
	interrupted := errors.Is(runErr, runner.ErrInterrupted) || ctx.Err() != nil
	var goErr *runner.GoTestError
	if errors.As(runErr, &goErr) || errors.Is(runErr, exec.ErrNotFound) {
		return exitUsage, usageError(runErr)
	}
	if runErr != nil && !interrupted {
		return exitFailed, runErr
	}
	if n, first := report.ClampedElapsed(); n > 0 {
		fmt.Fprintf(stderr, "gorerun: warning: %d events have an impossible Elapsed (the first: %g seconds): reported as 0, or %s at most\n",
			n, first, testjson.MaxElapsed)
	}
	term.Summary(report, time.Since(start))
	if o.format == "github-actions" {
		modulePath := ""
		if o.input == "" {
			modulePath = runner.ModulePath(ctx, runner.Config{Dir: o.dir})
		}
		render.Annotations(stdout, report, modulePath)
	}
	if path := summaryPath(o, getenv); path != "" {
		if err := appendSummary(path, report, time.Since(start)); err != nil {
			fmt.Fprintf(stderr, "gorerun: warning: %v\n", err)
		}
	}
	if cache != nil {
		if err := saveCache(*cache, report, stderr); err != nil {
			fmt.Fprintf(stderr, "gorerun: warning: %v\n", err)
		}
	}
	failed := report.Failed()
	if err := writeReports(report, jf, junit); err != nil {
		return exitFailed, err
	}
	if updateOld != nil {
		totals, err := updateReport(o, report, updateOld, junitOpts)
		if err != nil {
			return exitFailed, err
		}
		fmt.Fprintf(stdout, "gorerun: updated %s: %d tests, %d failures, %d errors\n", o.updateXML, totals.Tests, totals.Failures, totals.Errors)
		failed = totals.Failures+totals.Errors > 0
	}
	switch {
	case interrupted:
		fmt.Fprintln(stderr, "gorerun: interrupted: the results above are partial")
		return exitInterrupted, nil
	case failed:
		return exitFailed, nil
	}
	return exitOK, nil
}

func readInput(name string, stdin io.Reader, obs runner.Observer, opts grouping.Options) (*grouping.Report, error) {
	if name == "-" {
		return runner.Read(stdin, "stdin", obs, opts)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("--input: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("--input %s: is a directory: give a file recorded with go test -json", name)
	}
	return runner.Read(f, name, obs, opts)
}

func writeReports(report *grouping.Report, jf *jsonFile, junit *junitout.Stream) error {
	if jf != nil {
		if err := jf.commit(); err != nil {
			return err
		}
	}
	if junit == nil {
		return nil
	}
	if err := junit.Finish(report); err != nil {
		return fmt.Errorf("--junitfile: %w", err)
	}
	return nil
}

// junitOptions says how to write JUnit reports; it asks the go command for
// its version once.
func junitOptions(ctx context.Context, o *options, start time.Time) junitout.Options {
	host, _ := os.Hostname()
	goVersion := runner.GoVersion(ctx, runner.Config{Dir: o.dir})
	if goVersion == "" {
		goVersion = runtime.Version()
	}
	return junitout.Options{
		ClassnameGroup: o.junitClassname == "group",
		OutputAll:      o.junitOutput == "all",
		MaxOutput:      int(o.junitMaxOutput),
		OnlyLast:       o.rerunOnlyLast,
		GoVersion:      goVersion,
		Version:        versionString(),
		Hostname:       host,
		Timestamp:      start,
	}
}

func useColor(out io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := out.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

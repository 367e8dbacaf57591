// Command gorerun runs go test -json, shows live progress, reruns failed
// test groups in fresh processes and writes JUnit reports. See README.md.
//
// This package only wires: flags and environment to a session.Config, the
// subcommands to their packages, and outcomes to exit codes.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/cli/options"
	"github.com/gorerun/gorerun/internal/env/textpages"
	"github.com/gorerun/gorerun/internal/output/history"
	"github.com/gorerun/gorerun/internal/runner/proc"
	"github.com/gorerun/gorerun/internal/session"
	"github.com/gorerun/gorerun/internal/tool/flaky"
	"github.com/gorerun/gorerun/internal/tool/shard"
)

// version is set at link time by -ldflags "-X main.version=v1.2.3".
var version = ""

// softMemoryLimit is the heap size past which the collector works
// harder (debug.SetMemoryLimit) unless GOMEMLIMIT says otherwise. Measured
// on one package of 1,000,000 tests, half failing (issue #15): peak RSS
// 610 MB → 394 MB for 1.4 s more; the 250 MB benchmark stream, whose heap
// stays far below it, runs as before. It is soft: past it a run slows down
// (the runtime caps the collector's share of CPU), it never fails.
const softMemoryLimit = 380 << 20

func main() {
	textpages.Release()
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}

	if len(os.Args) == 2 && os.Args[1] == proc.GuardArg {
		proc.RunGuard(os.Stdin) // the watchdog of a gorerun process
		return
	}
	proc.BecomeSubreaper()
	var guard *proc.Guard
	if exe, err := os.Executable(); err == nil {
		guard = proc.NewGuard(exe)
	}
	ctx, stop := signalContext(os.Exit)
	code := runGuarded(ctx, guard, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	guard.Close()
	os.Exit(code)
}

// memoryHolder returns what a run calls with the size of a file it must
// hold to its end (a report to update, the reports to merge): the soft
// memory limit rises to 1.4 times that, unless GOMEMLIMIT is set. Measured
// on a 531 MB report: under 380 MiB the collector ran without pause (GC
// 31 of 61 CPU seconds); at 1.4 times the update takes 8.2 s instead of
// 11.9 s, with a peak RSS of 1.43 times the file.
func memoryHolder(getenv func(string) string) func(int64) {
	return func(n int64) {
		if getenv("GOMEMLIMIT") == "" && n*7/5 > softMemoryLimit {
			debug.SetMemoryLimit(n * 7 / 5)
		}
	}
}

// repeatGrace is how long after the first interrupting signal another is
// taken as the same interruption: GNU timeout, and CI runners cancelling a
// job, signal gorerun and then its whole process group, so that gorerun
// gets the signal twice at once. Only a signal after it (a person pressing
// Ctrl-C again) cuts the reports short.
const repeatGrace = 2 * time.Second

// signalContext returns a context canceled on the first SIGINT or SIGTERM.
// Signals in the repeatGrace that follows are the same interruption; one
// after it exits at once (reports being written are left unwritten; their
// temporary files have no name on Linux, so none stays).
func signalContext(exit func(int)) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			fmt.Fprintf(os.Stderr, "gorerun: interrupted: stopping the tests, then writing the reports (interrupt again after %s to exit at once)\n", repeatGrace)
			cancel()
		case <-done:
			return
		}
		first := time.Now()
		for {
			select {
			case <-sigs:
				if time.Since(first) < repeatGrace {
					continue // the same interruption, delivered twice
				}
				fmt.Fprintln(os.Stderr, "gorerun: interrupted twice, exiting now: reports not written")
				exit(cli.ExitInterrupted)
				return
			case <-done:
				return
			}
		}
	}()
	return ctx, func() { signal.Stop(sigs); close(done); cancel() }
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return runGuarded(ctx, nil, args, stdin, stdout, stderr, getenv)
}

// runGuarded is run with a guard that kills the test processes should
// gorerun be killed (nil: none, as in the in-process tests).
func runGuarded(ctx context.Context, guard *proc.Guard, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	code, err := runErr(ctx, guard, args, stdin, stdout, stderr, getenv)
	if errors.Is(err, cli.ErrHelpShown) {
		return cli.ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "gorerun: %v\n", err)
		if cli.IsUsage(err) {
			return cli.ExitUsage
		}
		if code == cli.ExitOK {
			return cli.ExitFailed
		}
	}
	return code
}

func runErr(ctx context.Context, guard *proc.Guard, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (int, error) {
	if len(args) > 0 {
		switch args[0] {
		case "shard-plan":
			return shard.PlanMain(ctx, args[1:], stdout, getenv)
		case "merge":
			return runMerge(args[1:], stdout, stderr, memoryHolder(getenv))
		case "html":
			return runHTML(args[1:], stdout, stderr)
		case "flaky":
			return flaky.Main(ctx, args[1:], stdout, getenv)
		case "history":
			return flaky.HistoryMain(ctx, args[1:], stdout, getenv)
		case "tool":
			return runTool(ctx, args[1:], stdin, stdout, stderr, getenv)
		}
	}
	o, err := options.Parse(args, getenv, stdout)
	if errors.Is(err, pflag.ErrHelp) {
		return cli.ExitOK, nil
	}
	if err != nil {
		return cli.ExitUsage, cli.Usage(err)
	}
	if o.ShowVersion {
		fmt.Fprintf(stdout, "gorerun %s\n", versionString())
		return cli.ExitOK, nil
	}
	cfg := o.Config(options.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv,
		Version: versionString(), Hold: memoryHolder(getenv)})
	cfg.Guard = guard
	cfg.Command = "gorerun " + strings.Join(history.RedactArgs(args), " ")
	if o.Watch {
		return runWatch(ctx, o, cfg, stdin)
	}
	if o.Hunt > 0 {
		return runHunt(ctx, o, cfg)
	}
	return session.Run(ctx, cfg)
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

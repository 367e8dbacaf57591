package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/flagvalue"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/render"
	"github.com/gorerun/gorerun/runner"
	"github.com/gorerun/gorerun/session"
)

// options are the command line, after environment defaults.
type options struct {
	rerunClassMax    int
	rerunDelay       flagvalue.Duration
	rerunMaxFailures int
	rerunParallel    int
	format           string
	hideRerunDetails bool
	rerunOnlyLast    bool
	jsonFile         string
	input            string
	junitFile        string
	junitClassname   string
	junitOutput      string
	junitMaxOutput   flagvalue.Size
	version          bool
	dir              string
	lastFailed       flagvalue.OptionalFile
	lastFailedNone   string
	cacheDir         string
	updateXML        string
	shard            string
	shardTimings     flagvalue.List
	shardBy          string
	workers          string
	workersN         int
	summaryMD        string

	packages []string
	goFlags  []string
}

func newFlagSet(o *options, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("gorerun", flag.ContinueOnError)
	fs.SetOutput(out)
	o.rerunDelay = flagvalue.Duration(500 * time.Millisecond)
	o.junitMaxOutput = 1 << 20
	fs.IntVar(&o.rerunClassMax, "rerun-class-max", 0, "rerun a failed group (a top-level test with its subtests) up to `N` times")
	fs.Var(&o.rerunDelay, "rerun-delay", "wait `D` before each rerun round (1s, 250ms, or seconds: 0.5)")
	fs.IntVar(&o.rerunMaxFailures, "rerun-max-failures", 10, "do not rerun when more than `N` groups fail in the first run (-1: no limit)")
	fs.IntVar(&o.rerunParallel, "rerun-parallel", 0, "rerun up to `N` packages at once; also the -p of rerun processes (0: the number of CPUs)")
	fs.StringVar(&o.format, "format", "pkgname", "progress `format`: "+strings.Join(render.Formats, ", "))
	fs.BoolVar(&o.hideRerunDetails, "hide-rerun-details", false, "show failures of attempts that were rerun as one line, without output")
	fs.BoolVar(&o.rerunOnlyLast, "rerun-show-only-last", false, "show and report only the final attempt of each group")
	fs.StringVar(&o.jsonFile, "jsonfile", "", "write every event of every attempt, tagged with \"Attempt\", to `FILE`")
	fs.StringVar(&o.input, "input", "", "read a recorded go test -json stream from `FILE` (- for stdin) instead of running go test")
	fs.StringVar(&o.junitFile, "junitfile", "", "write a JUnit XML report to `FILE`")
	fs.StringVar(&o.junitClassname, "junit-classname", "package", "JUnit classname: package (import path) or group (import path.TopLevelTest)")
	fs.StringVar(&o.junitOutput, "junit-output", "failed", "JUnit system-out: failed (output of failing tests only) or all")
	fs.Var(&o.junitMaxOutput, "junit-max-output", "cap each testcase's output in the JUnit report at `SIZE`, keeping the end (0: no cap)")
	fs.Var(&o.lastFailed, "last-failed", "run only the groups that failed last time (from the cache, or from `FILE`: a JUnit report or --jsonfile stream)")
	fs.StringVar(&o.lastFailedNone, "last-failed-no-failures", "all", "with --last-failed and nothing recorded: run all, or none")
	fs.StringVar(&o.cacheDir, "cache-dir", "", "where the last-failed cache lives (default: .gorerun in the main module's root)")
	fs.StringVar(&o.updateXML, "update-xml", "", "merge this run's results into the existing JUnit report `FILE`")
	fs.StringVar(&o.shard, "shard", "", "run only shard `K/N` of the packages (1-based), split the same way on every machine")
	fs.Var(&o.shardTimings, "shard-timings", "balance shards by the package durations in `FILE` (JUnit report or --jsonfile stream; repeatable, or comma-separated)")
	fs.StringVar(&o.shardBy, "shard-by", "package", "with --shard: split whole `unit`s over the shards: package, or group (top-level tests, listed with go test -list)")
	fs.StringVar(&o.workers, "workers", "1", "deal the groups of each package to `N` concurrent go test processes of it (auto: the number of CPUs)")
	fs.StringVar(&o.summaryMD, "summary-md", "", "append a Markdown summary to `FILE` (default: $GITHUB_STEP_SUMMARY when set)")
	fs.StringVar(&o.dir, "C", "", "run go test in `DIR` (like go -C)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	return fs
}

// envName is the environment variable that sets a flag's default.
func envName(flagName string) string {
	return "GORERUN_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseOptions reads flags from the environment, then from args. Packages
// and flags may be interleaved; everything after "--" goes to go test.
func parseOptions(args []string, getenv func(string) string, usage io.Writer) (*options, error) {
	o := &options{}
	fs := newFlagSet(o, usage)
	ours := args
	for i, a := range args {
		if a == "--" {
			ours, o.goFlags = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := parseFlags(fs, ours, func() { printUsage(fs, usage) }); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		o.packages = append(o.packages, rest[0])
		ours = rest[1:]
	}
	// Package patterns after "--" are packages, as in gotestsum.
	var pkgs []string
	o.goFlags, pkgs = runner.SplitPackages(o.goFlags)
	o.packages = append(o.packages, pkgs...)
	// The environment fills in what the command line did not set.
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	var envErr error
	fromEnv := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && !onCommandLine[f.Name] && envErr == nil {
			fromEnv[f.Name] = true
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("invalid value %q for %s: %w", v, envName(f.Name), err)
			}
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	if err := o.validate(); err != nil {
		// Name the variable when the bad value came from the environment.
		for name := range fromEnv {
			if strings.Contains(err.Error(), "--"+name+" ") {
				return nil, fmt.Errorf("%w (set by %s)", err, envName(name))
			}
		}
		return nil, err
	}
	if o.rerunParallel == 0 {
		o.rerunParallel = runtime.NumCPU()
	}
	return o, nil
}

// maxWorkers is the most --workers processes a package may get.
const maxWorkers = 256

func (o *options) validate() error {
	o.workersN = parseWorkers(o.workers)
	switch {
	case o.rerunClassMax < 0:
		return errors.New("--rerun-class-max must be 0 or more")
	case o.rerunMaxFailures < -1:
		return errors.New("--rerun-max-failures must be -1 (no limit) or more")
	case o.rerunParallel < 0:
		return errors.New("--rerun-parallel must be 0 (the number of CPUs) or more")
	case !render.ValidFormat(o.format):
		return fmt.Errorf("--format %q: must be one of %s", o.format, strings.Join(render.Formats, ", "))
	case o.junitClassname != "package" && o.junitClassname != "group":
		return fmt.Errorf("--junit-classname %q: must be package or group", o.junitClassname)
	case o.junitOutput != "failed" && o.junitOutput != "all":
		return fmt.Errorf("--junit-output %q: must be failed or all", o.junitOutput)
	case o.lastFailedNone != "all" && o.lastFailedNone != "none":
		return fmt.Errorf("--last-failed-no-failures %q: must be all or none", o.lastFailedNone)
	case o.shardBy != "package" && o.shardBy != "group":
		return fmt.Errorf("--shard-by %q: must be package or group", o.shardBy)
	case o.workersN < 1:
		return fmt.Errorf("--workers %q: must be auto or a number from 1 to %d", o.workers, maxWorkers)
	case o.input != "" && o.workersN > 1:
		return errors.New("--workers runs go test: it cannot be used with --input")
	case o.input != "" && o.shard != "":
		return errors.New("--shard splits the packages go test runs: it cannot be used with --input")
	case o.input != "" && o.lastFailed.On:
		return errors.New("--last-failed runs go test: it cannot be used with --input")
	case o.input != "" && len(o.packages) > 0:
		return fmt.Errorf("--input reads a recorded stream: drop the packages %s or drop --input", strings.Join(o.packages, " "))
	}
	return runner.CheckPatterns(o.goFlags)
}

const usageText = `gorerun runs go test -json, shows live progress, and reruns each failed
group (a top-level test with all its subtests) in a fresh go test process.

Usage:
  gorerun [flags] [packages...] [-- go test flags...]
  gorerun --input FILE|- [flags]
  gorerun shard-plan --shards N [--by package|group] [--shard-timings FILE...] [--json] [packages...]
  gorerun merge -o FILE report.xml...

Examples:
  gorerun --rerun-class-max=3 --rerun-delay=1s ./...
  gorerun --junitfile report.xml ./... -- -race
  go test -json ./... | gorerun --input - --junitfile report.xml

Every flag can also be set with GORERUN_<NAME>, e.g. GORERUN_RERUN_CLASS_MAX=3;
the command line wins.

Flags:
`

const exitCodesText = `
Exit codes: 0 all groups passed (flaky ones included); 1 tests failed or a
package did not build; 2 usage error or unreadable input; 130 interrupted.
`

// parseFlags parses args with fs. A bad flag is an error of one line (the
// caller prints it); -h and --help print the usage and return flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string, usage func()) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		usage()
		return err
	}
	if err != nil {
		return fmt.Errorf("%w (see gorerun --help)", err)
	}
	return nil
}

func printUsage(fs *flag.FlagSet, out io.Writer) {
	fmt.Fprint(out, usageText)
	fs.SetOutput(out)
	fs.PrintDefaults()
	fmt.Fprint(out, exitCodesText)
}

// config turns the options into the session's plain Config.
func (o *options) config(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) session.Config {
	summary := o.summaryMD
	if summary == "" {
		summary = getenv("GITHUB_STEP_SUMMARY")
	}
	return session.Config{
		Dir:      o.dir,
		Packages: o.packages,
		GoFlags:  o.goFlags,
		Input:    o.input,
		Stdin:    stdin,
		Plan:     grouping.PlanOptions{MaxReruns: o.rerunClassMax, MaxFailures: o.rerunMaxFailures},
		Parallel: o.rerunParallel,
		Delay:    time.Duration(o.rerunDelay),
		Tracker:  grouping.Options{KeepPassingOutput: o.junitOutput == "all", MaxOutput: int(o.junitMaxOutput)},

		Shard:        o.shard,
		ShardBy:      o.shardBy,
		ShardTimings: o.shardTimings,
		Workers:      o.workersN,

		LastFailed:     o.lastFailed.On,
		LastFailedFile: o.lastFailed.File,
		LastFailedNone: o.lastFailedNone == "none",
		CacheDir:       o.cacheDir,

		Terminal: render.Options{
			Format:           o.format,
			Color:            useColor(stdout, getenv),
			HideRerunDetails: o.hideRerunDetails,
			OnlyLast:         o.rerunOnlyLast,
			MaxReruns:        o.rerunClassMax,
			RerunDelay:       time.Duration(o.rerunDelay),
			MaxOutput:        int(o.junitMaxOutput),
		},
		JUnit: junitout.Options{
			ClassnameGroup: o.junitClassname == "group",
			OutputAll:      o.junitOutput == "all",
			MaxOutput:      int(o.junitMaxOutput),
			OnlyLast:       o.rerunOnlyLast,
			Version:        versionString(),
		},
		JUnitFile: o.junitFile,
		JSONFile:  o.jsonFile,
		UpdateXML: o.updateXML,
		SummaryMD: summary,
		Stdout:    stdout,
		Stderr:    stderr,
	}
}

// parseWorkers reads --workers: auto (the number of CPUs) or 1 to
// maxWorkers; 0 for anything else.
func parseWorkers(s string) int {
	if s == "auto" {
		return runtime.NumCPU()
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxWorkers {
		return 0
	}
	return n
}

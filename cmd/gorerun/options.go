package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gorerun/gorerun/render"
	"github.com/gorerun/gorerun/runner"
)

// options are the command line, after environment defaults.
type options struct {
	rerunClassMax    int
	rerunDelay       durationValue
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
	junitMaxOutput   sizeValue
	version          bool
	dir              string
	lastFailed       lastFailedValue
	lastFailedNone   string
	cacheDir         string
	updateXML        string
	shard            string
	shardTimings     listValue
	summaryMD        string

	packages []string
	goFlags  []string
}

// durationValue accepts Go durations (1s, 250ms) and plain seconds (1, 0.5).
type durationValue time.Duration

func (d *durationValue) String() string { return time.Duration(*d).String() }

// maxDelay is the longest --rerun-delay: a day.
const maxDelay = 24 * time.Hour

func (d *durationValue) Set(s string) error {
	if f, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		switch {
		case math.IsNaN(f) || math.IsInf(f, 0):
			return fmt.Errorf("%q is not a finite number of seconds", s)
		case f < 0:
			return errors.New("must not be negative")
		case f > maxDelay.Seconds():
			return fmt.Errorf("%q is longer than the %s limit", s, maxDelay)
		}
		*d = durationValue(f * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is neither a duration (1s, 250ms) nor seconds (0.5), up to %s", s, maxDelay)
	}
	if v < 0 {
		return errors.New("must not be negative")
	}
	if v > maxDelay {
		return fmt.Errorf("%q is longer than the %s limit", s, maxDelay)
	}
	*d = durationValue(v)
	return nil
}

// sizeValue accepts byte counts with an optional KiB, MiB, KB, MB suffix.
type sizeValue int

func (s *sizeValue) String() string { return strconv.Itoa(int(*s)) }

func (s *sizeValue) Set(v string) error {
	mult := 1
	num := strings.TrimSpace(v)
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"K", 1 << 10}, {"M", 1 << 20}, {"B", 1}} {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a size (1048576, 512KiB, 1MiB)", v)
	}
	*s = sizeValue(n * mult)
	return nil
}

func newFlagSet(o *options, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("gorerun", flag.ContinueOnError)
	fs.SetOutput(out)
	o.rerunDelay = durationValue(500 * time.Millisecond)
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

func (o *options) validate() error {
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
	case o.input != "" && o.shard != "":
		return errors.New("--shard splits the packages go test runs: it cannot be used with --input")
	case o.input != "" && o.lastFailed.on:
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
  gorerun shard-plan --shards N [--shard-timings FILE...] [--json] [packages...]
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

// lastFailedValue is --last-failed (a switch) or --last-failed=FILE.
type lastFailedValue struct {
	on   bool
	file string
}

func (v *lastFailedValue) IsBoolFlag() bool { return true }

func (v *lastFailedValue) String() string {
	if v == nil || !v.on {
		return ""
	}
	if v.file != "" {
		return v.file
	}
	return "true"
}

func (v *lastFailedValue) Set(s string) error {
	switch s {
	case "true", "1":
		v.on, v.file = true, ""
	case "false", "0", "":
		v.on, v.file = false, ""
	default:
		v.on, v.file = true, s
	}
	return nil
}

// listValue is a flag that may be repeated, each value possibly
// comma-separated.
type listValue []string

func (l *listValue) String() string { return strings.Join(*l, ",") }

func (l *listValue) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

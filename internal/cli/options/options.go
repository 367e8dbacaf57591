// Package Options is gorerun's main command line: its flags, gotestsum's
// flag names and environment variables, their checks (one line, exit 2,
// before anything runs), and the session.Config they make.
package options

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/google/shlex"
	"github.com/mattn/go-isatty"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/cli/flagvalue"
	"github.com/gorerun/gorerun/internal/output/terminal"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/gorerun/gorerun/internal/session"
	"github.com/gorerun/gorerun/junitout"
)

// Options are the command line, after environment defaults.
type Options struct {
	rerunClassMax    int
	rerunDelay       flagvalue.Duration
	rerunMaxFailures int
	rerunParallel    int
	rerunRunRoot     bool
	rerunReport      string
	rerunAbortRace   bool
	rerunDataRaces   bool
	format           string
	formatHideEmpty  bool
	formatIcons      string
	hideSummary      string
	hideRerunDetails bool
	rerunOnlyLast    bool
	jsonFile         string
	jsonTiming       string
	input            string
	junitFile        string
	junitClassname   string
	junitOutput      string
	junitMaxOutput   flagvalue.Size
	junitCaseFormat  string
	junitSuiteFormat string
	junitProject     string
	junitHideEmpty   bool
	junitHideSkipped bool
	junitAttachments string
	sameShuffle      bool
	ShowVersion      bool
	debug            bool
	noColor          bool
	Dir              string
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
	html             string
	history          string
	noHistory        bool
	Hunt             int
	HuntChanged      string
	quarantine       string
	quarantineAuto   float64
	minRuns          int
	pkgList          string
	rawCommand       bool
	maxFails         int
	postRunCommand   string
	postRun          []string
	Watch            bool
	WatchClear       bool
	WatchChdir       bool

	Packages []string
	goFlags  []string // go test flags; with --raw-command, the command
}

func newFlagSet(o *Options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("gorerun", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	o.rerunDelay = flagvalue.Duration(500 * time.Millisecond)
	o.junitMaxOutput = 1 << 20

	// Reruns.
	fs.IntVar(&o.rerunClassMax, "rerun-class-max", 0, "rerun a failed group (a top-level test with its subtests) up to `N` times")
	fs.IntVar(&o.rerunClassMax, "rerun-fails", 0, "gotestsum's name for --rerun-class-max; bare: 2 reruns")
	fs.Lookup("rerun-fails").NoOptDefVal = "2"
	fs.Var(&o.rerunDelay, "rerun-delay", "wait `D` before each rerun round (1s, 250ms, or seconds: 0.5)")
	fs.IntVar(&o.rerunMaxFailures, "rerun-max-failures", 10, "do not rerun when more than `N` groups fail in the first run (-1: no limit)")
	fs.IntVar(&o.rerunMaxFailures, "rerun-fails-max-failures", 10, "gotestsum's name for --rerun-max-failures")
	fs.IntVar(&o.rerunParallel, "rerun-parallel", 0, "rerun up to `N` packages at once; also the -p of rerun processes (0: the number of CPUs)")
	fs.BoolVar(&o.rerunRunRoot, "rerun-fails-run-root-test", false, "accepted for gotestsum: gorerun always reruns the whole group")
	fs.StringVar(&o.rerunReport, "rerun-fails-report", "", "write gotestsum's report of the tests that were rerun to `FILE`")
	fs.BoolVar(&o.rerunAbortRace, "rerun-fails-abort-on-data-race", false, "rerun nothing when a data race is detected")
	fs.BoolVar(&o.rerunDataRaces, "rerun-data-races", false, "rerun groups with a data race too (by default a race is a bug, not a flake)")
	fs.BoolVar(&o.hideRerunDetails, "hide-rerun-details", false, "show failures of attempts that were rerun as one line, without output")
	fs.BoolVar(&o.rerunOnlyLast, "rerun-show-only-last", false, "show and report only the final attempt of each group")
	fs.BoolVar(&o.sameShuffle, "rerun-same-shuffle", false, "with -shuffle=on: rerun a package in the order its failed attempt used (default: a new order)")

	// What runs.
	fs.StringVar(&o.pkgList, "packages", "", "space-separated `list` of packages to test (as gotestsum)")
	fs.StringVar(&o.input, "input", "", "read a recorded go test -json stream from `FILE` (- for stdin) instead of running go test")
	fs.BoolVar(&o.rawCommand, "raw-command", false, "run the command after -- instead of go test; it must print go test -json (no reruns)")
	fs.IntVar(&o.maxFails, "max-fails", 0, "stop the run after `N` test failures (0: never)")
	fs.StringVar(&o.workers, "workers", "1", "deal the groups of each package to `N` concurrent go test processes of it (auto: the number of CPUs)")
	fs.StringVar(&o.shard, "shard", "", "run only shard `K/N` of the packages (1-based), split the same way on every machine")
	fs.StringVar(&o.shardBy, "shard-by", "package", "with --shard: split whole `unit`s over the shards: package, or group (top-level tests)")
	fs.Var(&o.shardTimings, "shard-timings", "balance shards and workers by the durations in `FILE` (JUnit report or --jsonfile stream; repeatable)")
	fs.Var(&o.lastFailed, "last-failed", "run only the groups that failed last time (from the cache, or from `FILE`: a JUnit report or --jsonfile stream)")
	fs.Lookup("last-failed").NoOptDefVal = "true"
	fs.StringVar(&o.lastFailedNone, "last-failed-no-failures", "all", "with --last-failed and nothing recorded: run all, or none")
	fs.StringVar(&o.cacheDir, "cache-dir", "", "where the last-failed cache lives (default: .gorerun in the main module's root)")
	fs.StringVarP(&o.Dir, "chdir", "C", "", "run go test in `DIR` (like go -C)")
	fs.BoolVar(&o.Watch, "watch", false, "watch .go files and run the tests of a changed package (keys: r a l q)")
	fs.BoolVar(&o.WatchClear, "watch-clear", false, "in watch mode, clear the screen before each run")
	fs.BoolVar(&o.WatchChdir, "watch-chdir", false, "in watch mode, run go test in the changed package's directory")

	// The terminal.
	fs.StringVarP(&o.format, "format", "f", "pkgname", "progress `format`: "+strings.Join(terminal.Formats, ", "))
	fs.BoolVar(&o.formatHideEmpty, "format-hide-empty-pkg", false, "do not print packages without tests in compact formats")
	fs.StringVar(&o.formatIcons, "format-icons", "default", "`icons`: "+strings.Join(terminal.IconSets, ", "))
	fs.StringVar(&o.hideSummary, "hide-summary", "", "hide `sections` of the summary: skipped,failed,errors,output")
	fs.BoolVar(&o.noColor, "no-color", false, "no color, even on a terminal")
	fs.BoolVar(&o.debug, "debug", false, "print the go commands gorerun runs and how long they took")

	// Reports.
	fs.StringVar(&o.jsonFile, "jsonfile", "", "write every event of every attempt, tagged with \"Attempt\", to `FILE`")
	fs.StringVar(&o.jsonTiming, "jsonfile-timing-events", "", "write only the pass, skip and fail events to `FILE`")
	fs.StringVar(&o.junitFile, "junitfile", "", "write a JUnit XML report to `FILE`")
	fs.StringVar(&o.junitClassname, "junit-classname", "package", "JUnit classname: package, or group (package.TopLevelTest)")
	fs.StringVar(&o.junitCaseFormat, "junitfile-testcase-classname", "full", "the package in JUnit classnames: full, relative (to the module) or short (last element)")
	fs.StringVar(&o.junitSuiteFormat, "junitfile-testsuite-name", "full", "JUnit testsuite names: full, relative or short")
	fs.StringVar(&o.junitProject, "junitfile-project-name", "", "`name` of the <testsuites> element")
	fs.BoolVar(&o.junitHideEmpty, "junitfile-hide-empty-pkg", false, "leave packages without tests out of the JUnit report")
	fs.BoolVar(&o.junitHideSkipped, "junitfile-hide-skipped-tests", false, "leave skipped tests out of the JUnit report")
	fs.StringVar(&o.junitAttachments, "junitfile-attachments", "absolute", "`paths` of test artifacts in [[ATTACHMENT|path]] lines: absolute (Jenkins) or relative to the working directory (GitLab)")
	fs.StringVar(&o.junitOutput, "junit-output", "failed", "JUnit system-out: failed (output of failing tests only) or all")
	fs.Var(&o.junitMaxOutput, "junit-max-output", "cap each testcase's output in the JUnit report at `SIZE`, keeping the end (0: no cap)")
	fs.StringVar(&o.updateXML, "update-xml", "", "merge this run's results into the existing JUnit report `FILE`")
	fs.StringVar(&o.html, "html", "", "write an HTML report (attempts, output, timeline) to `FILE`")
	fs.StringVar(&o.history, "history", "", "record every group's attempts in the SQLite database FILE, or the PostgreSQL database at a postgres:// `URL` (default: .gorerun/history.db)")
	fs.BoolVar(&o.noHistory, "no-history", false, "record nothing in the history database")
	fs.IntVar(&o.Hunt, "hunt", 0, "hunt flakes: run the selected groups `N` times each, each time in a fresh go test process")
	fs.StringVar(&o.HuntChanged, "hunt-changed", "", "with --hunt: only the top-level tests in _test.go files changed since git `REV`")
	fs.StringVar(&o.quarantine, "quarantine", "", "quarantine the groups in `FILE` (package TestGroup lines): they run, but their failures do not fail the run")
	fs.Float64Var(&o.quarantineAuto, "quarantine-auto", 0, "quarantine the groups whose flake rate in the history is above `RATE` (0.2 = 20%)")
	fs.IntVar(&o.minRuns, "min-runs", 5, "with --quarantine-auto: only groups with at least `N` runs in the history")
	fs.StringVar(&o.summaryMD, "summary-md", "", "append a Markdown summary to `FILE` (default: $GITHUB_STEP_SUMMARY when set)")
	fs.StringVar(&o.postRunCommand, "post-run-command", "", "run `command` after the tests, with gotestsum's environment (TESTS_TOTAL, ...)")
	fs.BoolVar(&o.ShowVersion, "version", false, "print the version and exit")
	return fs
}

// gotestsumEnv names the environment variables gotestsum reads for a
// flag's default; gorerun's own GORERUN_<NAME> wins over them.
var gotestsumEnv = map[string]string{
	"format":                       "GOTESTSUM_FORMAT",
	"format-icons":                 "GOTESTSUM_FORMAT_ICONS",
	"jsonfile":                     "GOTESTSUM_JSONFILE",
	"jsonfile-timing-events":       "GOTESTSUM_JSONFILE_TIMING_EVENTS",
	"junitfile":                    "GOTESTSUM_JUNITFILE",
	"junitfile-project-name":       "GOTESTSUM_JUNITFILE_PROJECT_NAME",
	"junitfile-hide-empty-pkg":     "GOTESTSUM_JUNIT_HIDE_EMPTY_PKG",
	"junitfile-hide-skipped-tests": "GOTESTSUM_JUNIT_HIDE_SKIPPED_TESTS",
}

// EnvName is the environment variable that sets a flag's default
// (GORERUN_<NAME>); subcommands that share a flag read the same one.
func EnvName(flagName string) string {
	return "GORERUN_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseOptions reads flags from the environment, then from args. Packages
// and flags may be interleaved; everything after "--" goes to go test
// (or is the command, with --raw-command).
func Parse(args []string, getenv func(string) string, usage io.Writer) (*Options, error) {
	o := &Options{}
	fs := newFlagSet(o)
	args = cli.LongFlagsWithOneDash(fs, args)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printUsage(fs, usage)
			return nil, err
		}
		return nil, cli.FlagError(fs, err)
	}
	rest := fs.Args()
	if dash := fs.ArgsLenAtDash(); dash >= 0 {
		o.Packages, o.goFlags = rest[:dash], rest[dash:]
	} else {
		o.Packages = rest
	}
	if o.rawCommand && fs.ArgsLenAtDash() < 0 {
		// gotestsum --raw-command ./profile.sh ./...: without "--" the
		// arguments are the command.
		o.goFlags, o.Packages = o.Packages, nil
	}
	if !o.rawCommand {
		// Package patterns after "--" are packages, as in gotestsum.
		var pkgs []string
		o.goFlags, pkgs = runner.SplitPackages(o.goFlags)
		o.Packages = append(o.Packages, pkgs...)
	}
	// The environment fills in what the command line did not set: first
	// GORERUN_<NAME>, then gotestsum's variable.
	fromEnv := map[string]string{}
	var envErr error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed || envErr != nil || aliasSet(fs, f.Name) {
			return
		}
		for _, name := range []string{EnvName(f.Name), gotestsumEnv[f.Name]} {
			v := ""
			if name != "" {
				v = getenv(name)
			}
			if v == "" {
				continue
			}
			if f.Value.Type() == "bool" {
				v = strconv.FormatBool(truthy(v))
			}
			fromEnv[f.Name] = name
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("invalid value %q for %s: %w", v, name, err)
			}
			return
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	o.Packages = append(o.Packages, strings.Fields(o.pkgList)...)
	if len(o.Packages) == 0 && !o.rawCommand && o.input == "" {
		if dir := getenv("TEST_DIRECTORY"); dir != "" {
			o.Packages = []string{dir} // gotestsum's default package list
		}
	}
	if err := o.validate(); err != nil {
		// Name the variable when the bad value came from the environment.
		for flagName, env := range fromEnv {
			if strings.Contains(err.Error(), "--"+flagName+" ") {
				return nil, fmt.Errorf("%w (set by %s)", err, env)
			}
		}
		return nil, err
	}
	if o.rerunParallel == 0 {
		o.rerunParallel = runtime.NumCPU()
	}
	return o, nil
}

// aliases are flags that set one value under two names: the environment
// does not fill one when the command line set the other.
var aliases = map[string]string{
	"rerun-class-max": "rerun-fails", "rerun-fails": "rerun-class-max",
	"rerun-max-failures": "rerun-fails-max-failures", "rerun-fails-max-failures": "rerun-max-failures",
}

func aliasSet(fs *pflag.FlagSet, name string) bool {
	other, ok := aliases[name]
	return ok && fs.Lookup(other).Changed
}

// truthy reads a boolean environment variable as gotestsum does: any of
// 1, t, true, yes, y (any case) is true.
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "t", "true", "yes", "y", "on":
		return true
	}
	return false
}

// maxWorkers is the most --workers processes a package may get.
const maxWorkers = 256

func (o *Options) validate() error {
	o.workersN = parseWorkers(o.workers)
	if err := o.validateValues(); err != nil {
		return err
	}
	if err := o.validateCombinations(); err != nil {
		return err
	}
	if o.postRunCommand != "" {
		cmd, err := shlex.Split(o.postRunCommand)
		if err != nil || len(cmd) == 0 {
			return fmt.Errorf("--post-run-command %q: not a command line", o.postRunCommand)
		}
		o.postRun = cmd
	}
	if o.rawCommand {
		return nil
	}
	return runner.CheckPatterns(o.goFlags)
}

func (o *Options) validateValues() error {
	oneOf := func(flag, value string, allowed ...string) error {
		for _, a := range allowed {
			if value == a {
				return nil
			}
		}
		return fmt.Errorf("--%s %q: must be %s", flag, value, orList(allowed))
	}
	switch {
	case o.rerunClassMax < 0:
		return errors.New("--rerun-class-max must be 0 or more")
	case o.rerunMaxFailures < -1:
		return errors.New("--rerun-max-failures must be -1 (no limit) or more")
	case o.rerunParallel < 0:
		return errors.New("--rerun-parallel must be 0 (the number of CPUs) or more")
	case !(o.quarantineAuto >= 0 && o.quarantineAuto < 1): // NaN too
		return fmt.Errorf("--quarantine-auto %v: must be a rate from 0 to 1 (0.2 = 20%%)", o.quarantineAuto)
	case o.Hunt < 0:
		return errors.New("--hunt must be 1 or more runs")
	case o.HuntChanged != "" && o.Hunt == 0:
		return errors.New("--hunt-changed selects what --hunt N runs: give --hunt N too")
	case o.Hunt > 0 && (o.input != "" || o.rawCommand || o.Watch):
		return errors.New("--hunt runs go test: it cannot be used with --input, --raw-command or --watch")
	case o.Hunt > 0 && o.huntReport() != "":
		return fmt.Errorf("%s is not written by --hunt, which prints what it found: drop it (hunt runs in CI need no report), or run without --hunt", o.huntReport())
	case o.sameShuffle && !hasShuffle(o.goFlags):
		return errors.New("--rerun-same-shuffle reruns in a shuffled order: it needs -shuffle=on (or a seed) among the go test flags")
	case o.minRuns < 1:
		return errors.New("--min-runs must be 1 or more")
	case o.maxFails < 0:
		return errors.New("--max-fails must be 0 (never stop) or more")
	case !terminal.ValidFormat(o.format):
		return fmt.Errorf("--format %q: must be one of %s", o.format, strings.Join(terminal.Formats, ", "))
	case o.workersN < 1:
		return fmt.Errorf("--workers %q: must be auto or a number from 1 to %d", o.workers, maxWorkers)
	}
	for _, check := range []error{
		oneOf("format-icons", o.formatIcons, terminal.IconSets...),
		oneOf("junit-classname", o.junitClassname, "package", "group"),
		oneOf("junit-output", o.junitOutput, "failed", "all"),
		oneOf("junitfile-testcase-classname", o.junitCaseFormat, "full", "relative", "short"),
		oneOf("junitfile-attachments", o.junitAttachments, "absolute", "relative"),
		oneOf("junitfile-testsuite-name", o.junitSuiteFormat, "full", "relative", "short"),
		oneOf("last-failed-no-failures", o.lastFailedNone, "all", "none"),
		oneOf("shard-by", o.shardBy, "package", "group"),
	} {
		if check != nil {
			return check
		}
	}
	if _, err := terminal.ParseHideSummary(o.hideSummary); err != nil {
		return fmt.Errorf("--hide-summary %q: %w", o.hideSummary, err)
	}
	return nil
}

func (o *Options) validateCombinations() error {
	switch {
	case o.shardBy == "group" && o.shard == "":
		return errors.New("--shard-by group says how --shard K/N splits: give --shard K/N too")
	case o.input != "" && o.workersN > 1:
		return errors.New("--workers runs go test: it cannot be used with --input")
	case o.input != "" && o.shard != "":
		return errors.New("--shard splits the packages go test runs: it cannot be used with --input")
	case o.input != "" && o.lastFailed.On:
		return errors.New("--last-failed runs go test: it cannot be used with --input")
	case o.input != "" && len(o.Packages) > 0:
		return fmt.Errorf("--input reads a recorded stream: drop the packages %s or drop --input", strings.Join(o.Packages, " "))
	case o.input != "" && o.Watch:
		return errors.New("--watch runs go test when files change: it cannot be used with --input")
	case o.rawCommand && len(o.goFlags) == 0:
		return errors.New("--raw-command: give the command after --, e.g. gorerun --raw-command -- ./run-tests.sh")
	case o.rawCommand && o.rerunClassMax > 0:
		return errors.New("--raw-command: reruns need go test to run a group again; drop --rerun-fails/--rerun-class-max or --raw-command")
	case o.rawCommand && (o.input != "" || o.workersN > 1 || o.shard != "" || o.lastFailed.On || o.Watch):
		return errors.New("--raw-command runs your command as it is: it cannot be used with --input, --workers, --shard, --last-failed or --watch")
	case o.rawCommand && len(o.Packages) > 0:
		return fmt.Errorf("--raw-command: the command after -- chooses the packages; drop %s", strings.Join(o.Packages, " "))
	}
	return nil
}

func orList(words []string) string {
	if len(words) == 2 {
		return words[0] + " or " + words[1]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
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

const usageText = `gorerun runs go test -json, shows live progress, and reruns each failed
group (a top-level test with all its subtests) in a fresh go test process.

Usage:
  gorerun [flags] [packages...] [-- go test flags...]
  gorerun --input FILE|- [flags]
  gorerun --raw-command [flags] -- COMMAND...
  gorerun COMMAND [flags] [arguments]   (gorerun COMMAND --help for its flags)

Commands:
  flaky        list the flakiest groups of the history
  history      import reports into the history, delete old runs, push local runs to a shared one, export it (import, prune, push, export)
  html         write the HTML report of JUnit reports or --jsonfile streams
  merge        merge the JUnit reports of CI shards into one
  shard-plan   print how --shard K/N splits the packages or groups
  tool         gotestsum's tools: slowest (slowest tests, --skip-stmt), ci-matrix

Examples:
  gorerun --rerun-class-max=3 --rerun-delay=1s ./...
  gorerun --junitfile report.xml ./... -- -race
  gorerun --format testname --rerun-fails --packages "./..." -- -count=1
  go test -json ./... | gorerun --input - --junitfile report.xml

Every flag can also be set with GORERUN_<NAME>, e.g. GORERUN_RERUN_CLASS_MAX=3,
and gotestsum's variables (GOTESTSUM_FORMAT, GOTESTSUM_JUNITFILE, ...) are read
too; the command line wins, then GORERUN_*.

Flags:
`

const formatsText = `
Formats:
  dots                    a character for each test
  dots-v2                 one line of dots per package (on a terminal)
  pkgname                 a line for each package
  pkgname-and-test-fails  a line for each package, and failed test output
  testname                a line for each test and package
  testdox                 a sentence for each test (gotestdox)
  github-actions          testname with GitHub Actions log groups and annotations
  standard-quiet          go test's format
  standard-verbose        go test -v's format

Icons (--format-icons): default (✓ ∅ ✖), hivis (✅ ➖ ❌), text (PASS SKIP FAIL),
codicons, octicons, emoticons (need a Nerd Font).

Exit codes: 0 all groups passed (flaky ones included); 1 tests failed or a
package did not build; 2 usage error or unreadable input; 130 interrupted.
`

func printUsage(fs *pflag.FlagSet, out io.Writer) {
	fmt.Fprint(out, usageText)
	fmt.Fprint(out, fs.FlagUsages())
	fmt.Fprint(out, formatsText)
}

// huntReport names the first report flag given, which --hunt refuses
// rather than silently not writing it.
func (o *Options) huntReport() string {
	for _, f := range []struct{ flag, value string }{
		{"--junitfile", o.junitFile}, {"--jsonfile", o.jsonFile}, {"--html", o.html}, {"--summary-md", o.summaryMD},
		{"--history", o.history}, {"--update-xml", o.updateXML}, {"--jsonfile-timing-events", o.jsonTiming},
		{"--rerun-fails-report", o.rerunReport}, {"--post-run-command", o.postRunCommand},
	} {
		if f.value != "" {
			return f.flag
		}
	}
	return ""
}

// config turns the Options into the session's plain Config.
// Env is what the process gives a run besides its command line.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Version        string            // gorerun's version, for the reports
	Hold           func(bytes int64) // see session.Config.Hold
}

// Config turns the options into the session's plain Config.
func (o *Options) Config(env Env) session.Config {
	stdin, stdout, stderr, getenv := env.Stdin, env.Stdout, env.Stderr, env.Getenv
	summary := o.summaryMD
	if summary == "" {
		summary = getenv("GITHUB_STEP_SUMMARY")
	}
	hide, _ := terminal.ParseHideSummary(o.hideSummary)
	cfg := session.Config{
		Dir:      o.Dir,
		Packages: o.Packages,
		GoFlags:  o.goFlags,
		Input:    o.input,
		Stdin:    stdin,
		Plan: grouping.PlanOptions{MaxReruns: o.rerunClassMax, MaxFailures: o.rerunMaxFailures,
			RerunDataRaces: o.rerunDataRaces, AbortOnDataRace: o.rerunAbortRace},
		Parallel: o.rerunParallel,
		Delay:    time.Duration(o.rerunDelay),
		Tracker:  grouping.Options{KeepPassingOutput: o.junitOutput == "all", MaxOutput: int(o.junitMaxOutput)},
		OnlyLast: o.rerunOnlyLast,

		Shard:        o.shard,
		ShardBy:      o.shardBy,
		ShardTimings: o.shardTimings,
		Workers:      o.workersN,

		LastFailed:     o.lastFailed.On,
		LastFailedFile: o.lastFailed.File,
		LastFailedNone: o.lastFailedNone == "none",
		CacheDir:       o.cacheDir,

		Terminal: terminal.Options{
			Format:            o.format,
			Color:             !o.noColor && useColor(stdout, getenv),
			HideRerunDetails:  o.hideRerunDetails,
			HideEmptyPackages: o.formatHideEmpty,
			Icons:             o.formatIcons,
			Hide:              hide,
			GitHubActions:     getenv("GITHUB_ACTIONS") == "true",
			Width:             terminalWidth(stdout),
		},
		JUnit: junitout.Options{
			ClassnameGroup:    o.junitClassname == "group",
			OutputAll:         o.junitOutput == "all",
			Version:           env.Version,
			ClassnameFormat:   o.junitCaseFormat,
			SuiteNameFormat:   o.junitSuiteFormat,
			ProjectName:       o.junitProject,
			HideEmptyPackages: o.junitHideEmpty,
			HideSkipped:       o.junitHideSkipped,
		},
		JUnitFile:         o.junitFile,
		JUnitAttachments:  o.junitAttachments,
		SameShuffle:       o.sameShuffle,
		JSONFile:          o.jsonFile,
		JSONTimingFile:    o.jsonTiming,
		RerunReport:       o.rerunReport,
		HTMLFile:          o.html,
		History:           o.history,
		NoHistory:         o.noHistory,
		QuarantineFile:    o.quarantine,
		QuarantineAuto:    o.quarantineAuto,
		QuarantineMinRuns: o.minRuns,
		UpdateXML:         o.updateXML,
		SummaryMD:         summary,
		RawCommand:        o.rawCommand,
		MaxFails:          o.maxFails,
		PostRunCommand:    o.postRun,
		Stdout:            stdout,
		Stderr:            stderr,
		Hold:              env.Hold,
		NoKeepBinaries:    getenv("GORERUN_KEEP_BINARIES") == "0",
		BinariesDir:       getenv("GORERUN_BINARIES_DIR"),
	}
	if o.debug {
		cfg.Debug = stderr
	}
	return cfg
}

// useColor reports whether out gets color: not with NO_COLOR; on a
// terminal; and, as gotestsum, in CI services whose logs show color.
func useColor(out io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" {
		return false
	}
	if f, ok := out.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return true
	}
	if getenv("CI") != "" {
		for _, name := range []string{"APPVEYOR", "BUILDKITE", "CIRCLECI", "DRONE", "GITEA_ACTIONS", "GITHUB_ACTIONS", "GITLAB_CI", "TRAVIS"} {
			if getenv(name) != "" {
				return true
			}
		}
	}
	return getenv("TEAMCITY_VERSION") != ""
}

// terminalWidth is out's width in columns when it is a terminal, else 0.
func terminalWidth(out io.Writer) int {
	f, ok := out.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return 0
	}
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// hasShuffle reports whether the go test flags shuffle the tests.
func hasShuffle(flags []string) bool {
	v, ok := runner.GoFlag(flags, "shuffle")
	return ok && v != "off"
}

package terminal

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fatih/color"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/testjson"
)

// maxLooseLine caps how much of one non-JSON line of the stream is shown.
const maxLooseLine = 4096

// Options configure a Terminal.
type Options struct {
	Format string
	Color  bool
	// HideRerunDetails shows failures of attempts that were rerun as one
	// line, without their output.
	HideRerunDetails bool
	// OnlyLast hides attempts before the last one.
	OnlyLast bool
	// Plan is the planner's rerun policy: whether a failure is followed by
	// a rerun is its decision (PlanOptions.Reruns), and the rerun budget
	// shown in "rerun 1/3" is its MaxReruns.
	Plan grouping.PlanOptions
	// FirstAttempt is the attempt number of the run's first round: 1, or
	// more when --last-failed continues the attempts of an earlier run.
	FirstAttempt int
	// RerunDelay is the wait before each rerun round, for its announcement.
	RerunDelay time.Duration
	// MaxOutput caps the output shown per test (0: no cap).
	MaxOutput int
	// HideEmptyPackages leaves packages without tests out of the compact
	// formats (gotestsum's --format-hide-empty-pkg).
	HideEmptyPackages bool
	// Icons names the icon set of the package lines (IconSets).
	Icons string
	// Hide leaves sections out of the summary (--hide-summary).
	Hide HideSummary
	// ModulePath is the module the run started in: package paths are
	// shown relative to it, as gotestsum shows them ("" shows them whole).
	ModulePath string
	// GitHubActions is set when running in GitHub Actions: the testname
	// format becomes github-actions there, as in gotestsum.
	GitHubActions bool
	// Width is the terminal's width in columns, 0 when the output is not
	// a terminal (dots-v2 then prints as dots).
	Width int
	// Quarantined, if set, names the quarantined groups: their failures
	// are listed in a section of their own and do not fail the run.
	Quarantined func(pkg, group string) bool
	// Reproduce, if set, gives the command that runs a group again as its
	// failed attempt ran: the summary prints it under each group that
	// failed in any attempt.
	Reproduce func(ph *grouping.PackageHistory, h *grouping.History) string
}

// Terminal renders events as they come and a summary at the end. It
// implements output.Observer.
type Terminal struct {
	out  *bufio.Writer // flushed at the end of every hook, so output is live and cheap
	opts Options

	green, red, yellow, bold, faint, white *color.Color
	dotsOpen                               bool

	runSeen    map[string]bool            // packages that ran a test in this attempt (dots)
	doxResults map[string][]testdoxResult // testdox sentences by package
	testOutput map[string][]string        // github-actions output by package and test
	dotsLines  map[string]*dotsLine       // dots-v2
	dotsOrder  []string
	drawn      int // dots-v2 lines on screen
	dotsCount  dotsCount
	// shownCutOff are the tests a package's end cut off that are shown.
	shownCutOff map[*grouping.Test]bool
	scratch     []byte // the summary reads each test's output into it
}

// NewTerminal returns a Terminal writing to out.
func NewTerminal(out io.Writer, opts Options) *Terminal {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if opts.Color {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	w := bufio.NewWriterSize(out, 64<<10)
	if f, ok := formatAliases[opts.Format]; ok {
		opts.Format = f
	}
	switch {
	case opts.Format == "testname" && opts.GitHubActions:
		opts.Format = "github-actions" // as gotestsum does in GitHub Actions
	case opts.Format == "dots-v2" && opts.Width <= 0:
		opts.Format = "dots" // dots-v2 redraws lines: it needs a terminal
	}
	return &Terminal{out: w, opts: opts,
		green: mk(color.FgGreen), red: mk(color.FgRed), yellow: mk(color.FgYellow),
		bold: mk(color.Bold), faint: mk(color.Faint), white: mk(color.FgWhite),
		runSeen: map[string]bool{}, doxResults: map[string][]testdoxResult{},
		testOutput: map[string][]string{}, dotsLines: map[string]*dotsLine{}, shownCutOff: map[*grouping.Test]bool{}}
}

// colorFor is the color of a result: green pass, red fail, yellow skip.
func (t *Terminal) colorFor(a testjson.Action) *color.Color {
	switch a {
	case testjson.ActionPass:
		return t.green
	case testjson.ActionFail:
		return t.red
	case testjson.ActionSkip:
		return t.yellow
	}
	return t.white
}

// note marks the attempt of a rerun on its lines (none with OnlyLast).
func (t *Terminal) note(attempt int) string {
	if t.opts.OnlyLast {
		return ""
	}
	return attemptNote(attempt)
}

// SetFirstAttempt sets the attempt number of the run's first round, once it
// is known (--last-failed reads it from the cache).
func (t *Terminal) SetFirstAttempt(n int) { t.opts.FirstAttempt = n }

// willRerun reports whether a failure in this attempt is followed by a
// rerun, as the planner decides it while the attempt runs (its refusals
// once the attempt has ended arrive as Refused).
func (t *Terminal) willRerun(attempt int) bool { return t.opts.Plan.Reruns(t.rerunIndex(attempt)) }

// rerunIndex is how many reruns of this run came before attempt: 0 for
// the run's first round.
func (t *Terminal) rerunIndex(attempt int) int { return attempt - max(t.opts.FirstAttempt, 1) }

func (t *Terminal) flush() { t.out.Flush() }

// Event renders one event.
func (t *Terminal) Event(attempt int, ev *testjson.Event, _ []byte, pkg *grouping.Package) {
	// Without defer: Event has too many returns for the compiler's
	// open-coded defers, and a heap defer per event cost 3% of reading.
	t.event(attempt, ev, pkg)
	if !ev.NotJSON && ev.Test == "" && ev.Action.IsTerminal() && pkg != nil {
		t.cutOff(attempt, ev, pkg) // after the package's line, as gotestsum
	}
	t.flush()
}

func (t *Terminal) event(attempt int, ev *testjson.Event, pkg *grouping.Package) {
	if ev.NotJSON {
		t.closeDots()
		out := ev.Output
		if len(out) > maxLooseLine {
			out = fmt.Sprintf("%s[... %d bytes of a non-JSON line not shown ...]\n", out[:maxLooseLine], len(out)-maxLooseLine)
		}
		fmt.Fprint(t.out, out)
		return
	}
	if ev.Action == testjson.ActionStart && ev.Test == "" {
		delete(t.runSeen, ev.Package) // a new process of the package
	}
	switch t.opts.Format {
	case "standard-verbose":
		if ev.Action == testjson.ActionOutput || ev.Action == testjson.ActionBuildOutput {
			fmt.Fprint(t.out, ev.Output)
		}
		return
	case "standard-quiet":
		t.quiet(ev)
		return
	case "dots":
		t.dots(attempt, ev)
		return
	case "dots-v2":
		t.dotsV2(ev, pkg)
		return
	case "testdox":
		t.testdox(ev, pkg)
		return
	case "github-actions":
		t.githubActions(attempt, ev, pkg)
		return
	}
	if t.opts.Format == "testname" && packageFailureOutput(ev) {
		fmt.Fprint(t.out, ev.Output)
		return
	}
	if ev.Action == testjson.ActionBuildOutput || !ev.Action.IsTerminal() || pkg == nil {
		return
	}
	if ev.Test == "" {
		t.packageEnd(attempt, ev, pkg)
		return
	}
	if t.opts.Format != "pkgname-and-test-fails" && t.opts.Format != "testname" {
		return // pkgname: package lines only
	}
	tst := pkg.Test(ev.Test)
	if tst == nil {
		return
	}
	failed := ev.Action == testjson.ActionFail
	hidden := failed && attempt > 0 && t.willRerun(attempt) && (t.opts.OnlyLast || t.opts.HideRerunDetails)
	switch t.opts.Format {
	case "pkgname-and-test-fails":
		if failed && !hidden {
			t.write(tst.OwnOutput(), tst.Dropped)
		}
	case "testname":
		if hidden {
			if !t.opts.OnlyLast && tst.IsTop() {
				fmt.Fprintf(t.out, "%s %s.%s failed, rerun %d/%d\n", t.yellow.Sprint("RERUN"), t.rel(pkg.ImportPath), tst.Name, t.rerunIndex(attempt)+1, t.opts.Plan.MaxReruns)
			}
			return
		}
		if failed {
			t.write(tst.OwnOutput(), tst.Dropped)
		}
		fmt.Fprint(t.out, t.testLine(ev, pkg.ImportPath, t.note(attempt)))
	}
}

// cutOff shows the tests the package's end cut off (they had no result
// event) as failures, before the package's line, as gotestsum does.
func (t *Terminal) cutOff(attempt int, end *testjson.Event, p *grouping.Package) {
	switch t.opts.Format {
	case "standard-verbose", "standard-quiet", "pkgname":
		return
	}
	for _, g := range p.Groups[p.Written:] {
		for _, tst := range g.Tests {
			if !tst.CutOff || t.shownCutOff[tst] {
				continue
			}
			t.dotsCount.done = true // gotestsum fails them when its input has ended
			t.shownCutOff[tst] = true
			ev := testjson.Event{Action: testjson.ActionFail, Package: end.Package, Test: tst.Name,
				Elapsed: tst.Elapsed.Seconds(), Worker: end.Worker}
			t.Event(attempt, &ev, nil, p)
		}
	}
}

// quiet is go test's own format (gotestsum's standard-quiet): the
// package-level lines, without PASS, coverage and no-tests warnings.
func (t *Terminal) quiet(ev *testjson.Event) {
	out := ev.Output
	switch {
	case ev.Action == testjson.ActionBuildOutput:
		fmt.Fprint(t.out, out)
	case ev.Test != "" || ev.Action != testjson.ActionOutput, out == "PASS\n",
		strings.Contains(out, ev.Package+"\tcoverage:"),
		strings.HasPrefix(out, "coverage:") && strings.HasSuffix(out, "% of statements\n"),
		out == "testing: warning: no tests to run\n":
	default:
		fmt.Fprint(t.out, out)
	}
}

// dots is gotestsum's dots format: the package's name when its first
// test starts, then a character per test result.
func (t *Terminal) dots(attempt int, ev *testjson.Event) {
	if ev.Test == "" {
		return
	}
	if ev.Action == testjson.ActionRun && !t.runSeen[ev.Package] {
		t.runSeen[ev.Package] = true
		fmt.Fprint(t.out, "["+t.rel(ev.Package)+"]")
		t.dotsOpen = true
		return
	}
	if ev.Action == testjson.ActionFail && t.opts.OnlyLast && t.willRerun(attempt) {
		return // this attempt will not be the last
	}
	if d := t.dot(ev.Action); d != "" {
		fmt.Fprint(t.out, d)
		t.dotsOpen = true
	}
}

func attemptNote(attempt int) string {
	if attempt > 1 {
		return fmt.Sprintf(" [attempt %d]", attempt)
	}
	return ""
}

func (t *Terminal) closeDots() {
	if t.dotsOpen {
		fmt.Fprintln(t.out)
		t.dotsOpen = false
	}
}

// packageEnd prints a package's line (pkgname, pkgname-and-test-fails,
// testname) as gotestsum does, with the attempt of a rerun.
func (t *Terminal) packageEnd(attempt int, ev *testjson.Event, p *grouping.Package) {
	note := t.note(attempt)
	if t.opts.Format == "testname" {
		if ev.Action == testjson.ActionFail && t.willRerun(attempt) && t.opts.OnlyLast {
			return // this attempt will not be the last
		}
		result := t.colorFor(ev.Action).Sprint(strings.ToUpper(string(ev.Action)))
		if empty(p) && ev.Action != testjson.ActionFail {
			result = t.yellow.Sprint("EMPTY")
		}
		fmt.Fprintf(t.out, "%s %s%s\n", result, t.packageLine(ev, p, false), note)
		return
	}
	switch {
	case empty(p) && p.Status != grouping.PackageFail && p.Status != grouping.PackageBuildFailed:
		if !t.opts.HideEmptyPackages {
			fmt.Fprintf(t.out, "%s  %s%s\n", t.icon(testjson.ActionSkip), t.packageLine(ev, p, true), note)
		}
	case p.Status == grouping.PackagePass:
		fmt.Fprintf(t.out, "%s  %s%s\n", t.icon(testjson.ActionPass), t.packageLine(ev, p, true), note)
	default:
		if t.willRerun(attempt) && t.opts.OnlyLast {
			return // this attempt will not be the last
		}
		if t.willRerun(attempt) && t.opts.HideRerunDetails {
			fmt.Fprintf(t.out, "%s  %s%s, rerun %d/%d\n", t.yellow.Sprint("↻"), t.packageLine(ev, p, true), note, t.rerunIndex(attempt)+1, t.opts.Plan.MaxReruns)
			return
		}
		fmt.Fprintf(t.out, "%s  %s%s\n", t.icon(testjson.ActionFail), t.packageLine(ev, p, true), note)
	}
}

// Round announces a rerun round: what it runs, counted as it really runs.
func (t *Terminal) Round(plan grouping.PlanResult) {
	defer t.flush()
	t.closeDots()
	if t.opts.OnlyLast {
		return
	}
	what := plural(plan.Failed, "failed group")
	switch {
	case plan.NeverStarted > 0 && plan.Failed == 0:
		what = plural(plan.NeverStarted, "group") + " that never started,"
	case plan.NeverStarted > 0:
		what += fmt.Sprintf(" and %d that never started,", plan.NeverStarted)
	}
	fmt.Fprintf(t.out, "\n%s\n", t.bold.Sprintf("rerun %d/%d: %s in %s after %s",
		plan.Rerun, t.opts.Plan.MaxReruns, what, plural(plan.Packages(), "package"), t.opts.RerunDelay))
}

// Resumed says that groups that never started because of a crash run now,
// in a process of their own.
func (t *Terminal) Resumed(pkg string, crashed []string, neverStarted int) {
	defer t.flush()
	t.closeDots()
	who := "the test binary crashed"
	if len(crashed) > 0 {
		who = strings.Join(crashed, ", ") + " crashed the test binary"
	}
	fmt.Fprintf(t.out, "%s\n", t.yellow.Sprintf("%s %s; running the %s that never started", t.rel(pkg), who, plural(neverStarted, "group")))
}

// Refused says that reruns were refused by the max-failures guard.
func (t *Terminal) Refused(plan grouping.PlanResult, opts grouping.PlanOptions) {
	defer t.flush()
	t.closeDots()
	if plan.Rerun == 1 {
		for _, g := range plan.Races {
			pkg, name, _ := strings.Cut(g, " ")
			fmt.Fprintf(t.out, "\n%s", t.red.Sprintf("not rerunning %s %s: it has a data race, a bug rather than a flake (--rerun-data-races reruns it)", t.rel(pkg), name))
		}
		if len(plan.Races) > 0 {
			fmt.Fprintln(t.out)
		}
	}
	switch plan.Refused {
	case "too many failures":
		fmt.Fprintf(t.out, "\n%s\n", t.red.Sprintf("not rerunning: %s failed in the first run, more than --rerun-max-failures=%d; this looks broken, not flaky",
			plural(plan.Groups, "group"), opts.MaxFailures))
	case "data race":
		fmt.Fprintf(t.out, "\n%s\n", t.red.Sprint("not rerunning anything: a data race was detected (--rerun-fails-abort-on-data-race)"))
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func ensureNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// Finish writes the summary: the terminal as an output of the run.
func (t *Terminal) Finish(r output.Result) error {
	t.Summary(r.Report, r.Elapsed)
	return nil
}

// Abort writes nothing more.
func (t *Terminal) Abort() {}

// AnnotationsOutput prints GitHub Actions annotations for every test that
// still fails, when the run is finished (--format github-actions).
type AnnotationsOutput struct {
	output.Hooks
	w          io.Writer
	modulePath string
}

// NewAnnotations returns the annotations output; modulePath makes file
// names relative to the module root ("" when unknown).
func NewAnnotations(w io.Writer, modulePath string) *AnnotationsOutput {
	return &AnnotationsOutput{w: w, modulePath: modulePath}
}

// Finish prints the annotations.
func (a *AnnotationsOutput) Finish(r output.Result) error {
	Annotations(a.w, r.Report, a.modulePath)
	return nil
}

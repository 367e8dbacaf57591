package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fatih/color"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/output"
	"github.com/gorerun/gorerun/testjson"
)

// Formats lists the names Options.Format accepts.
var Formats = []string{"dots", "pkgname", "testname", "standard-verbose", "standard-quiet", "github-actions"}

// ValidFormat reports whether name is a known format.
func ValidFormat(name string) bool {
	for _, f := range Formats {
		if f == name {
			return true
		}
	}
	return false
}

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
	// MaxReruns is the rerun limit, to tell whether a failure will be rerun.
	MaxReruns int
	// FirstAttempt is the attempt number of the run's first round: 1, or
	// more when --last-failed continues the attempts of an earlier run.
	FirstAttempt int
	// RerunDelay is the wait before each rerun round, for its announcement.
	RerunDelay time.Duration
	// MaxOutput caps the output shown per test (0: no cap).
	MaxOutput int
}

// Terminal renders events as they come and a summary at the end. It
// implements runner.Observer.
type Terminal struct {
	out  *bufio.Writer // flushed at the end of every hook, so output is live and cheap
	opts Options

	green, red, yellow, bold, faint *color.Color
	dotsOpen                        bool
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
	return &Terminal{out: w, opts: opts,
		green: mk(color.FgGreen), red: mk(color.FgRed), yellow: mk(color.FgYellow),
		bold: mk(color.Bold), faint: mk(color.Faint)}
}

// SetFirstAttempt sets the attempt number of the run's first round, once it
// is known (--last-failed reads it from the cache).
func (t *Terminal) SetFirstAttempt(n int) { t.opts.FirstAttempt = n }

// willRerun reports whether a failure in this attempt is followed by a
// rerun (the max-failures guard aside).
func (t *Terminal) willRerun(attempt int) bool { return t.rerunIndex(attempt) < t.opts.MaxReruns }

// rerunIndex is how many reruns of this run came before attempt: 0 for
// the run's first round.
func (t *Terminal) rerunIndex(attempt int) int { return attempt - max(t.opts.FirstAttempt, 1) }

func (t *Terminal) flush() { t.out.Flush() }

// Event renders one event.
func (t *Terminal) Event(attempt int, ev *testjson.Event, _ []byte, pkg *grouping.Package) {
	defer t.flush()
	if ev.NotJSON {
		t.closeDots()
		out := ev.Output
		if len(out) > maxLooseLine {
			out = fmt.Sprintf("%s[... %d bytes of a non-JSON line not shown ...]\n", out[:maxLooseLine], len(out)-maxLooseLine)
		}
		fmt.Fprint(t.out, out)
		return
	}
	switch t.opts.Format {
	case "standard-verbose":
		if ev.Action == testjson.ActionOutput || ev.Action == testjson.ActionBuildOutput {
			fmt.Fprint(t.out, ev.Output)
		}
		return
	case "standard-quiet":
		t.quiet(ev, pkg)
		return
	}
	if ev.Action == testjson.ActionBuildOutput {
		return // shown in the summary
	}
	if !ev.Action.IsTerminal() || pkg == nil {
		return
	}
	if ev.Test == "" {
		t.packageEnd(attempt, pkg)
		return
	}
	tst := pkg.Test(ev.Test)
	if tst == nil {
		return
	}
	failed := ev.Action == testjson.ActionFail
	hidden := failed && attempt > 0 && t.willRerun(attempt) && (t.opts.OnlyLast || t.opts.HideRerunDetails)
	switch t.opts.Format {
	case "dots":
		if !t.dotsOpen {
			fmt.Fprintf(t.out, "[%s] ", pkg.ImportPath)
			t.dotsOpen = true
		}
		switch {
		case hidden && t.opts.OnlyLast:
		case failed:
			fmt.Fprint(t.out, t.red.Sprint("✖"))
		case ev.Action == testjson.ActionSkip:
			fmt.Fprint(t.out, t.yellow.Sprint("↷"))
		default:
			fmt.Fprint(t.out, t.green.Sprint("·"))
		}
	case "testname", "github-actions":
		if !tst.IsTop() && ev.Action == testjson.ActionPass && t.opts.Format == "github-actions" {
			return
		}
		if hidden {
			if !t.opts.OnlyLast && tst.IsTop() {
				fmt.Fprintf(t.out, "%s %s.%s failed, rerun %d/%d\n", t.yellow.Sprint("RERUN"), pkg.ImportPath, tst.Name, t.rerunIndex(attempt)+1, t.opts.MaxReruns)
			}
			return
		}
		if ev.Action == testjson.ActionSkip && !tst.IsTop() && pkg.Group(groupName(tst.Name)).Incremental {
			fmt.Fprintf(t.out, "%s %s.%s: %s\n", t.yellow.Sprint("↷"), pkg.ImportPath, tst.Name, tst.SkipReason())
			return
		}
		note := attemptNote(attempt)
		if t.opts.OnlyLast {
			note = ""
		}
		fmt.Fprintf(t.out, "%s %s.%s%s (%s)\n", t.word(tst.Status), pkg.ImportPath, tst.Name, note, seconds(tst.Elapsed))
		if failed && t.opts.Format == "github-actions" && len(tst.Output) > 0 {
			fmt.Fprintf(t.out, "::group::%s output\n%s::endgroup::\n", tst.Name, ensureNewline(string(tst.Output)))
		}
	}
}

func attemptNote(attempt int) string {
	if attempt > 1 {
		return fmt.Sprintf(" [attempt %d]", attempt)
	}
	return ""
}

func (t *Terminal) word(s grouping.Status) string {
	switch s {
	case grouping.Pass:
		return t.green.Sprint("PASS")
	case grouping.Skip:
		return t.yellow.Sprint("SKIP")
	default:
		return t.red.Sprint("FAIL")
	}
}

func (t *Terminal) quiet(ev *testjson.Event, pkg *grouping.Package) {
	switch {
	case ev.Action == testjson.ActionBuildOutput:
		fmt.Fprint(t.out, ev.Output)
	case ev.Test == "" && ev.Action == testjson.ActionOutput:
		fmt.Fprint(t.out, ev.Output)
	case ev.Test != "" && ev.Action == testjson.ActionFail && pkg != nil:
		if tst := pkg.Test(ev.Test); tst != nil && tst.IsTop() {
			for _, sub := range pkg.Group(tst.Name).Tests {
				fmt.Fprint(t.out, string(sub.Output))
			}
		}
	}
}

func (t *Terminal) closeDots() {
	if t.dotsOpen {
		fmt.Fprintln(t.out)
		t.dotsOpen = false
	}
}

func (t *Terminal) packageEnd(attempt int, p *grouping.Package) {
	switch t.opts.Format {
	case "dots":
		if t.dotsOpen {
			t.closeDots()
		}
		return
	case "testname", "github-actions":
		if p.Status == grouping.PackageSkip || p.NoTests {
			fmt.Fprintf(t.out, "EMPTY %s\n", p.ImportPath)
		}
		return
	}
	// pkgname
	note := attemptNote(attempt)
	if t.opts.OnlyLast {
		note = ""
	}
	switch {
	case p.Status == grouping.PackageSkip || (p.NoTests && p.Status == grouping.PackagePass && len(p.Groups) == 0 && p.Compacted.Groups == 0):
		fmt.Fprintf(t.out, "∅  %s%s\n", p.ImportPath, note)
	case p.Status == grouping.PackageBuildFailed:
		fmt.Fprintf(t.out, "%s  %s [build failed]\n", t.red.Sprint("✖"), p.ImportPath)
	case p.Status == grouping.PackagePass:
		d := "(" + seconds(p.Elapsed) + ")"
		if p.Cached {
			d = "(cached)"
		}
		fmt.Fprintf(t.out, "%s  %s %s%s\n", t.green.Sprint("✓"), p.ImportPath, d, note)
	default:
		if t.willRerun(attempt) && t.opts.OnlyLast {
			return // this attempt will not be the last
		}
		if t.willRerun(attempt) && t.opts.HideRerunDetails {
			fmt.Fprintf(t.out, "%s  %s (%s)%s, rerun %d/%d\n", t.yellow.Sprint("↻"), p.ImportPath, seconds(p.Elapsed), note, t.rerunIndex(attempt)+1, t.opts.MaxReruns)
			return
		}
		fmt.Fprintf(t.out, "%s  %s (%s)%s\n", t.red.Sprint("✖"), p.ImportPath, seconds(p.Elapsed), note)
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
		plan.Rerun, t.opts.MaxReruns, what, plural(plan.Packages(), "package"), t.opts.RerunDelay))
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
	fmt.Fprintf(t.out, "%s\n", t.yellow.Sprintf("%s %s; running the %s that never started", pkg, who, plural(neverStarted, "group")))
}

// Refused says that reruns were refused by the max-failures guard.
func (t *Terminal) Refused(plan grouping.PlanResult, opts grouping.PlanOptions) {
	defer t.flush()
	t.closeDots()
	fmt.Fprintf(t.out, "\n%s\n", t.red.Sprintf("not rerunning: %s failed in the first run, more than --rerun-max-failures=%d; this looks broken, not flaky",
		plural(plan.Groups, "group"), opts.MaxFailures))
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

func groupName(test string) string {
	top, _, _ := strings.Cut(test, "/")
	return top
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

package terminal

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bitfield/gotestdox"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/env/gomod"
	"github.com/gorerun/gorerun/testjson"
)

// Formats lists the names Options.Format accepts: gotestsum's formats.
var Formats = []string{"dots", "dots-v2", "pkgname", "pkgname-and-test-fails", "testname", "testdox",
	"github-actions", "standard-quiet", "standard-verbose"}

// formatAliases are gotestsum's older names for its formats.
var formatAliases = map[string]string{
	"dots-v1": "dots", "short": "pkgname", "short-with-failures": "pkgname-and-test-fails",
	"short-verbose": "testname", "gotestdox": "testdox", "github-action": "github-actions",
}

// ValidFormat reports whether name is a known format (or one of
// gotestsum's older names for one).
func ValidFormat(name string) bool {
	_, alias := formatAliases[name]
	return alias || slices.Contains(Formats, name)
}

// IconSets lists the names Options.Icons accepts, as gotestsum's
// --format-icons.
var IconSets = []string{"default", "hivis", "text", "codicons", "octicons", "emoticons"}

// iconSet is how one set of icons shows a pass, a skip and a failure.
type iconSet struct {
	pass, skip, fail string
	color            bool
}

var iconSets = map[string]iconSet{
	"default":   {"✓", "∅", "✖", true},
	"hivis":     {"✅", "➖", "❌", false},
	"text":      {"PASS", "SKIP", "FAIL", true},
	"codicons":  {"\ueba4", "\ueabd", "\uea87", true},
	"octicons":  {"\uf49e", "\uf517", "\uf52f", true},
	"emoticons": {"\U000f01f5", "\U000f01f6", "\U000f01f8", true},
}

// icon returns the icon of a result, colored as the set wants.
func (t *Terminal) icon(a testjson.Action) string {
	set, ok := iconSets[t.opts.Icons]
	if !ok {
		set = iconSets["default"]
	}
	var s string
	switch a {
	case testjson.ActionPass:
		s = set.pass
	case testjson.ActionSkip:
		s = set.skip
	case testjson.ActionFail:
		s = set.fail
	default:
		return " "
	}
	if !set.color {
		return s
	}
	return t.colorFor(a).Sprint(s)
}

// HideSummary says which sections of the summary to leave out
// (--hide-summary).
type HideSummary uint8

// The sections --hide-summary can hide.
const (
	HideSkipped HideSummary = 1 << iota
	HideFailed
	HideErrors
	HideOutput
)

// ParseHideSummary reads a comma-separated list of skipped, failed, errors
// and output (also none and all, as gotestsum).
func ParseHideSummary(s string) (HideSummary, error) {
	var h HideSummary
	for _, part := range strings.Split(s, ",") {
		switch strings.TrimSpace(part) {
		case "", "none":
		case "skipped":
			h |= HideSkipped
		case "failed":
			h |= HideFailed
		case "errors":
			h |= HideErrors
		case "output":
			h |= HideOutput
		case "all":
			h |= HideSkipped | HideFailed | HideErrors | HideOutput
		default:
			return 0, errors.New("sections are skipped, failed, errors and output, comma-separated")
		}
	}
	return h, nil
}

// rel is a package path as gotestsum prints it: relative to the module
// the run started in ("." for the module's root package).
func (t *Terminal) rel(pkg string) string { return gomod.Relative(t.opts.ModulePath, pkg) }

// packageLine is gotestsum's package line: the path, (cached) or how long
// it took, coverage and, for a failure, the shuffle seed.
func (t *Terminal) packageLine(ev *testjson.Event, p *grouping.Package, elapsed bool) string {
	var b strings.Builder
	b.WriteString(t.rel(p.ImportPath))
	switch {
	case p.Cached:
		b.WriteString(" (cached)")
	case elapsed:
		if d := eventElapsed(ev, p); d != 0 {
			fmt.Fprintf(&b, " (%s)", d)
		}
	}
	if p.Coverage != "" {
		b.WriteString(" (" + p.Coverage + ")")
	}
	if ev.Action == testjson.ActionFail && p.ShuffleSeed != "" {
		b.WriteString(" (" + p.ShuffleSeed + ")")
	}
	return b.String()
}

// eventElapsed is a package's time as gotestsum shows it, whole
// milliseconds: from the event's own figure, or the package's when its
// parts ran on several workers.
func eventElapsed(ev *testjson.Event, p *grouping.Package) time.Duration {
	if ev.Worker == 0 {
		return time.Duration(ev.Elapsed*1000) * time.Millisecond
	}
	return p.Elapsed.Truncate(time.Millisecond)
}

// empty reports whether a package ran no test (gotestsum's Total == 0).
func empty(p *grouping.Package) bool {
	return p.Status == grouping.PackageSkip || (len(p.Groups) == 0 && p.Compacted.Groups == 0)
}

// testLine is gotestsum's line for a test result: PASS pkg.TestX (0.00s).
func (t *Terminal) testLine(ev *testjson.Event, pkg string, note string) string {
	name := ev.Test
	if r := t.rel(pkg); r != "." {
		name = r + "." + ev.Test
	}
	return fmt.Sprintf("%s %s%s (%.2fs)\n", t.colorFor(ev.Action).Sprint(strings.ToUpper(string(ev.Action))), name, note, ev.Elapsed)
}

// packageFailureOutput reports whether a package-level output line is
// worth showing as it comes (a panic in init or TestMain), not framing.
func packageFailureOutput(ev *testjson.Event) bool {
	out := ev.Output
	return ev.Test == "" && ev.Action == testjson.ActionOutput &&
		out != "PASS\n" && out != "FAIL\n" && out != "testing: warning: no tests to run\n" &&
		!strings.HasPrefix(out, "FAIL\t"+ev.Package) && !strings.HasPrefix(out, "ok  \t"+ev.Package) &&
		!strings.HasPrefix(out, "?   \t"+ev.Package) && !strings.HasPrefix(out, "-test.shuffle ")
}

// isFramingLine reports whether line is test2json framing of testName.
func isFramingLine(line, testName string) bool {
	return strings.HasPrefix(line, "=== RUN   Test") || strings.HasPrefix(line, "=== PAUSE Test") ||
		strings.HasPrefix(line, "=== CONT  Test") || strings.HasPrefix(line, "--- FAIL: "+testName+" ") ||
		strings.HasPrefix(line, "--- SKIP: "+testName+" ") || strings.HasPrefix(line, "--- PASS: "+testName+" ")
}

// testdoxResult is one sentence of a package in the testdox format.
type testdoxResult struct {
	action   testjson.Action
	sentence string
	elapsed  float64
}

func (t *Terminal) testdox(ev *testjson.Event, p *grouping.Package) {
	key := ev.Package
	if ev.Test != "" {
		if !ev.Action.IsTerminal() || (strings.HasPrefix(ev.Test, "Fuzz") && ev.Action == testjson.ActionPass && strings.Contains(ev.Test, "/")) {
			return // fuzz cases have no interesting names unless they fail
		}
		t.doxResults[key] = append(t.doxResults[key], testdoxResult{ev.Action, gotestdox.Prettify(ev.Test), ev.Elapsed})
		return
	}
	if !ev.Action.IsTerminal() || p == nil {
		return
	}
	results := t.doxResults[key]
	delete(t.doxResults, key)
	if t.opts.HideEmptyPackages && len(results) == 0 {
		return
	}
	fmt.Fprintf(t.out, "%s:\n", ev.Package)
	sort.SliceStable(results, func(i, j int) bool { return results[i].sentence < results[j].sentence })
	for _, r := range results {
		fmt.Fprintf(t.out, " %s %s (%.2fs)\n", t.icon(r.action), r.sentence, r.elapsed)
	}
	fmt.Fprintln(t.out)
}

// githubActions is gotestsum's github-actions format: each test's result
// line, with its output in a collapsed log group.
func (t *Terminal) githubActions(attempt int, ev *testjson.Event, p *grouping.Package) {
	key := ev.Package + "\x00" + ev.Test
	if ev.Test != "" && ev.Action == testjson.ActionOutput {
		if !isFramingLine(ev.Output, ev.Test) {
			t.testOutput[key] = append(t.testOutput[key], strings.Clone(ev.Output)) // the decoder's buffer
		}
		return
	}
	willRerun := ev.Action == testjson.ActionFail && t.willRerun(attempt)
	if ev.Test != "" && ev.Action.IsTerminal() {
		out := t.testOutput[key]
		delete(t.testOutput, key)
		if willRerun && (t.opts.OnlyLast || t.opts.HideRerunDetails) {
			if !t.opts.OnlyLast && !strings.Contains(ev.Test, "/") {
				fmt.Fprintf(t.out, "  %s %s.%s failed, rerun %d/%d\n", t.yellow.Sprint("RERUN"), t.rel(ev.Package), ev.Test, t.rerunIndex(attempt)+1, t.opts.Plan.MaxReruns)
			}
			return
		}
		if len(out) > 0 {
			fmt.Fprint(t.out, "::group::")
		} else {
			fmt.Fprint(t.out, "  ")
		}
		fmt.Fprint(t.out, t.testLine(ev, ev.Package, t.note(attempt)))
		for _, line := range out {
			fmt.Fprint(t.out, line)
		}
		if len(out) > 0 {
			fmt.Fprint(t.out, "\n::endgroup::\n")
		}
		return
	}
	if ev.Test != "" || !ev.Action.IsTerminal() || p == nil || (willRerun && t.opts.OnlyLast) {
		return
	}
	result := t.colorFor(ev.Action).Sprint(strings.ToUpper(string(ev.Action)))
	if empty(p) && ev.Action != testjson.ActionFail {
		result = t.yellow.Sprint("EMPTY")
	}
	fmt.Fprintf(t.out, "  %s Package %s%s\n\n", result, t.packageLine(ev, p, true), t.note(attempt))
}

// dotsLine is a package's line in the dots-v2 format: its dots, wrapped
// as gotestsum wraps them (a new line, indented under the first, when a
// frame finds the line at the terminal's width).
type dotsLine struct {
	dots      strings.Builder
	runes     int  // dots since the last wrap
	failed    int  // its tests that failed
	pkgFailed bool // its package ended failed
	p         *grouping.Package
}

// dotsCount is what the dots-v2 footer counts: tests started (every
// repetition and subtest, as gotestsum's), skips, lines of build errors,
// the span of the events so far, and whether the run is done (the
// footer then starts with DONE).
type dotsCount struct {
	// failed counts gotestsum's failures: failed tests, and packages that
	// failed without one.
	total, skipped, failed, errors int
	first, last                    time.Time
	done                           bool
}

// dot is a test result in the dots formats.
func (t *Terminal) dot(a testjson.Action) string {
	switch a {
	case testjson.ActionPass:
		return t.green.Sprint("·")
	case testjson.ActionFail:
		return t.red.Sprint("✖")
	case testjson.ActionSkip:
		return t.yellow.Sprint("↷")
	}
	return ""
}

// dotsV2 redraws one line of dots per package, most recently active
// last, on a terminal of Options.Width columns, in gotestsum's frames: a
// blank header, the packages, a blank line and a progress line, each
// line cleared to its end, the cursor hidden while a frame is drawn.
func (t *Terminal) dotsV2(ev *testjson.Event, p *grouping.Package) {
	line := t.dotsLines[ev.Package]
	if line == nil {
		line = &dotsLine{}
		t.dotsLines[ev.Package] = line
	}
	t.dotsOrder = moveLast(t.dotsOrder, ev.Package)
	if p != nil {
		line.p = p
	}
	t.countDots(ev, line)
	if ev.Test != "" {
		if d := t.dot(ev.Action); d != "" {
			line.dots.WriteString(d)
			line.runes++
		}
	}
	if ev.Action == testjson.ActionOutput || ev.Action == testjson.ActionBench {
		return
	}
	var frame strings.Builder
	frame.WriteString("\n\n")
	for _, pkg := range t.dotsOrder {
		l := t.dotsLines[pkg]
		if t.opts.HideEmptyPackages && l.p != nil && empty(l.p) && l.p.Status != grouping.PackageIncomplete {
			continue
		}
		prefix := " " + elapsedColumn(l.p) + " " + t.rel(pkg) + " "
		if len(prefix)+l.runes >= t.opts.Width { // bytes, as gotestsum counts them
			l.dots.WriteString("\n" + strings.Repeat(" ", len(prefix)))
			l.runes = 0
		}
		frame.WriteString(prefix + l.dots.String() + "\n")
	}
	c := &t.dotsCount
	done := ""
	if c.done {
		done = "DONE"
	}
	fmt.Fprintf(&frame, "\n%s %d tests%s%s%s in %.3fs\n", done, c.total, counted(c.skipped, "skipped", ""),
		counted(c.failed, "failure", "s"), counted(c.errors, "error", "s"), c.last.Sub(c.first).Seconds())
	t.drawFrame(frame.String())
}

// countDots counts an event for the dots-v2 footer as gotestsum counts
// it: a test when it starts, a failure when it fails (a package that
// failed without a failed test counts as one), and an error for each line
// of build output that starts one.
func (t *Terminal) countDots(ev *testjson.Event, line *dotsLine) {
	c := &t.dotsCount
	if !ev.Time.IsZero() {
		if c.first.IsZero() {
			c.first = ev.Time
		}
		c.last = ev.Time
	}
	switch {
	case ev.Action == testjson.ActionBuildOutput:
		if o := ev.Output; o != "" && o[0] != ' ' && o[0] != '\t' && !strings.HasPrefix(o, "# ") {
			c.errors++
		}
	case ev.Test == "":
		if ev.Action == testjson.ActionFail && !line.pkgFailed {
			line.pkgFailed = true
			if line.failed == 0 {
				c.failed++
			}
		}
	case ev.Action == testjson.ActionRun:
		c.total++
	case ev.Action == testjson.ActionFail:
		if !line.pkgFailed || line.failed > 0 {
			c.failed++ // else the package's failure becomes this test's
		}
		line.failed++
	case ev.Action == testjson.ActionSkip:
		c.skipped++
	}
}

// drawFrame replaces the frame on screen with frame, as gotestsum's
// dotwriter does: up to the top of the last one, each line written and
// cleared to its end.
func (t *Terminal) drawFrame(frame string) {
	t.out.WriteString("\x1b[?25l")
	if t.drawn > 0 {
		fmt.Fprintf(t.out, "\x1b[%dA", t.drawn)
	}
	lines := strings.Split(frame, "\n")
	t.drawn = len(lines) - 1
	for i, l := range lines {
		t.out.WriteString(l + "\x1b[0K")
		if i != len(lines)-1 {
			t.out.WriteByte('\n')
		}
	}
	t.out.WriteString("\x1b[?25h")
}

// counted is ", N what" (what pluralised with plural above one), or ""
// for none, as gotestsum's progress line counts.
func counted(n int, what, plural string) string {
	switch n {
	case 0:
		return ""
	case 1:
	default:
		what += plural
	}
	return fmt.Sprintf(", %d %s", n, what)
}

// elapsedColumn is the five-wide time column of the dots-v2 format.
func elapsedColumn(p *grouping.Package) string {
	switch {
	case p == nil || p.Status == grouping.PackageIncomplete:
		return fmt.Sprintf("%5s", "")
	case p.Cached:
		return fmt.Sprintf("%5s", "🖴 ")
	case p.Elapsed <= 0:
		return fmt.Sprintf("%5s", "")
	case p.Elapsed >= time.Hour:
		return fmt.Sprintf("%5s", "⏳ ")
	}
	for _, trunc := range []time.Duration{time.Millisecond, 10 * time.Millisecond, 100 * time.Millisecond, time.Second, 10 * time.Second, time.Minute} {
		if s := p.Elapsed.Truncate(trunc).String(); len(s) <= 5 {
			return fmt.Sprintf("%5s", s)
		}
	}
	return fmt.Sprintf("%5s", "")
}

func moveLast(order []string, s string) []string {
	for i, v := range order {
		if v == s {
			copy(order[i:], order[i+1:])
			order[len(order)-1] = s
			return order
		}
	}
	return append(order, s)
}

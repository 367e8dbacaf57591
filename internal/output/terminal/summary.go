package terminal

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gorerun/gorerun/grouping"
)

// Summary writes the final summary: skipped tests, flaky groups, failures
// with their output, build errors, and the totals line.
func (t *Terminal) Summary(r *grouping.Report, elapsed time.Duration) {
	defer t.flush()
	t.dotsOpen = false // every section starts with a newline of its own
	pkgs := r.Packages()
	if t.opts.Hide&HideSkipped == 0 {
		t.skipped(pkgs)
	}
	if !t.opts.OnlyLast {
		t.flaky(pkgs)
	}
	if t.opts.Hide&HideFailed == 0 {
		t.failed(pkgs)
		t.quarantined(pkgs)
	}
	if t.opts.Hide&HideErrors == 0 {
		t.buildErrors(pkgs)
	}
	c := r.Counts()
	var parts []string
	if c.Runs > 1 && !t.opts.OnlyLast {
		parts = append(parts, plural(c.Runs, "run"))
	}
	parts = append(parts, plural(c.Tests, "test"))
	if c.Skipped > 0 {
		parts = append(parts, t.yellow.Sprintf("%d skipped", c.Skipped))
	}
	if c.FlakyGroups > 0 {
		parts = append(parts, t.yellow.Sprintf("%d flaky", c.FlakyGroups))
	}
	if c.Failed > 0 {
		parts = append(parts, t.red.Sprint(plural(c.Failed, "failure")))
	}
	if c.Interrupted > 0 {
		parts = append(parts, t.red.Sprintf("%d interrupted", c.Interrupted))
	}
	if c.Errors > 0 {
		parts = append(parts, t.red.Sprint(plural(c.Errors, "error")))
	}
	if c.PackageFailures > 0 {
		parts = append(parts, t.red.Sprint(plural(c.PackageFailures, "package failure")))
	}
	if c.NotRunPackages > 0 {
		parts = append(parts, t.red.Sprint(plural(c.NotRunPackages, "package"))+t.red.Sprint(" not run"))
	}
	if c.BuildFailures > 0 {
		parts = append(parts, t.red.Sprint(plural(c.BuildFailures, "build failure")))
	}
	fmt.Fprintf(t.out, "\nDONE %s in %.3fs\n", strings.Join(parts, ", "), elapsed.Round(time.Millisecond).Seconds())
}

func (t *Terminal) heading(s string) {
	fmt.Fprintf(t.out, "\n%s\n", t.bold.Sprint("=== "+s))
}

func (t *Terminal) skipped(pkgs []*grouping.PackageHistory) {
	first := true
	for _, ph := range pkgs {
		for _, h := range ph.Groups {
			g := h.Final()
			for _, tst := range g.Tests {
				if tst.Status != grouping.Skip {
					continue
				}
				if first {
					t.heading("Skipped")
					first = false
				}
				reason := tst.SkipReason()
				if g.Incremental && !tst.IsTop() {
					fmt.Fprintf(t.out, "%s %s %s: %s\n", t.yellow.Sprint("↷"), t.rel(ph.ImportPath), tst.Name, reason)
					continue
				}
				fmt.Fprintf(t.out, "%s %s %s (%s)", t.yellow.Sprint("=== SKIP:"), t.rel(ph.ImportPath), tst.Name, seconds(tst.Elapsed))
				if reason != "" {
					fmt.Fprintf(t.out, ": %s", reason)
				}
				fmt.Fprintln(t.out)
			}
		}
	}
}

func (t *Terminal) flaky(pkgs []*grouping.PackageHistory) {
	flaky := grouping.FlakyGroups(pkgs)
	if len(flaky) > 0 {
		t.heading("Flaky (passed on a rerun)")
	}
	byPath := make(map[string]*grouping.PackageHistory, len(pkgs))
	for _, ph := range pkgs {
		byPath[ph.ImportPath] = ph
	}
	for _, h := range flaky {
		ph := byPath[h.Package]
		fmt.Fprintf(t.out, "%s %s %s passed on attempt %d%s\n", t.yellow.Sprint("=== FLAKY:"), t.rel(h.Package), h.Name, h.Final().Attempt, otherOrder(ph, h))
		for _, g := range h.Runs[:len(h.Runs)-1] {
			if !g.Status().Failed() {
				continue
			}
			if t.opts.HideRerunDetails {
				fmt.Fprintf(t.out, "    %s failed, rerun %d/%d\n", h.Name, t.rerunIndex(g.Attempt)+1, t.opts.Plan.MaxReruns)
				continue
			}
			fmt.Fprintf(t.out, "--- attempt %d: %s\n", g.Attempt, g.Status())
			t.groupOutput(g)
		}
		t.reproduce(ph, h)
	}
}

func (t *Terminal) failed(pkgs []*grouping.PackageHistory) {
	first := true
	head := func() {
		if first {
			t.heading("Failed")
			first = false
		}
	}
	for _, ph := range pkgs {
		if ph.Final().Status == grouping.PackageBuildFailed {
			continue
		}
		for _, h := range ph.Groups {
			if !h.Status().Failed() || t.isQuarantined(ph.ImportPath, h.Name) {
				continue
			}
			head()
			g := h.Final()
			attempts := ""
			switch n := len(h.Runs); {
			case g.Status() == grouping.Interrupted:
				attempts = fmt.Sprintf(", interrupted in attempt %d", g.Attempt)
			case n > 1:
				attempts = fmt.Sprintf(", failed all %d attempts", n)
			}
			if g.Race && t.opts.Plan.MaxReruns > 0 {
				attempts += ", data race: not rerun"
			}
			fmt.Fprintf(t.out, "%s %s %s (%s%s)\n", t.red.Sprint("=== "+strings.ToUpper(statusWord(g.Status()))+":"), t.rel(ph.ImportPath), h.Name, seconds(g.Top().Elapsed), attempts)
			if t.opts.Hide&HideOutput == 0 {
				t.groupOutput(g)
			}
			t.reproduce(ph, h)
		}
		final := ph.Final()
		if final.Interrupted {
			if final.FailedWithoutTest() {
				head()
				fmt.Fprintf(t.out, "%s %s (interrupted before it finished)\n", t.red.Sprint("=== INTERRUPTED:"), t.rel(ph.ImportPath))
			}
		} else if final.FailedWithoutTest() || (final.Crashed() && final.Status != grouping.PackageIncomplete) {
			head()
			what := "test binary failed after its tests"
			if final.Panicked {
				what = "test binary panicked after its tests"
			}
			if final.Crashed() {
				what = "test binary exited before it finished; groups after the crash did not start"
			}
			fmt.Fprintf(t.out, "%s %s (%s)\n", t.red.Sprint("=== FAIL:"), t.rel(ph.ImportPath), what)
			if final.FailedWithoutTest() {
				t.write(final.Output, 0) // no test carries it
			}
		} else if final.Status == grouping.PackageNotRun {
			head()
			fmt.Fprintf(t.out, "%s %s (%s)\n", t.red.Sprint("=== NOT RUN:"), t.rel(ph.ImportPath), strings.TrimSpace(string(final.Output)))
		} else if final.Status == grouping.PackageIncomplete {
			head()
			fmt.Fprintf(t.out, "%s %s (interrupted: the package did not finish)\n", t.red.Sprint("=== FAIL:"), t.rel(ph.ImportPath))
		}
	}
}

// reproduce prints the command that runs group h again as its failed
// attempt ran.
func (t *Terminal) reproduce(ph *grouping.PackageHistory, h *grouping.History) {
	if t.opts.Reproduce == nil || ph == nil {
		return
	}
	if cmd := t.opts.Reproduce(ph, h); cmd != "" {
		fmt.Fprintf(t.out, "%s %s\n", t.bold.Sprint("reproduce:"), cmd)
	}
}

// otherOrder says when a group of a shuffled package passed under
// another order than the one it failed in, with other groups around it
// (alone, its order could not matter).
func otherOrder(ph *grouping.PackageHistory, h *grouping.History) string {
	if ph == nil {
		return ""
	}
	final := ph.Seed(h.Final().Attempt)
	if final == "" {
		return ""
	}
	var failed []string
	for _, g := range h.Runs {
		s := ph.Seed(g.Attempt)
		if g.Status().Failed() && s != "" && s != final && !slices.Contains(failed, s) && ranOthers(ph, g.Attempt) {
			failed = append(failed, s)
		}
	}
	if len(failed) == 0 {
		return ""
	}
	return fmt.Sprintf(" under another order (-shuffle=%s; it failed with -shuffle=%s)", final, strings.Join(failed, ", -shuffle="))
}

// ranOthers reports whether the package ran more than one group in the
// attempt.
func ranOthers(ph *grouping.PackageHistory, attempt int) bool {
	n := 0
	for _, p := range ph.Runs {
		if p.Attempt == attempt {
			n += len(p.Groups) + p.Compacted.Groups
		}
	}
	return n > 1
}

func statusWord(s grouping.Status) string {
	switch s {
	case grouping.Error:
		return "error"
	case grouping.NotRun:
		return "not run"
	case grouping.Interrupted:
		return "interrupted"
	}
	return "fail"
}

// groupOutput shows the output of the failed tests of a group run as go
// test -v prints it: a test's own lines, then its subtests' (indented by
// depth), then its result line, without test2json's === framing lines.
func (t *Terminal) groupOutput(g *grouping.Group) {
	shown := make(map[*grouping.Test]bool, len(g.Tests))
	// Each test's subtests, in the group's order, found once: looking
	// them up among all the group's tests for every test was quadratic
	// (34 s for a failing group of 20,000 passing subtests).
	children := map[string][]*grouping.Test{}
	for _, sub := range g.Tests {
		if sub != g.Top() {
			p := parentName(sub.Name)
			children[p] = append(children[p], sub)
		}
	}
	if g.ReasonInSubtests() {
		t.subtestsReason(g)
		return
	}
	var show func(tst *grouping.Test, depth int)
	show = func(tst *grouping.Test, depth int) {
		shown[tst] = true
		failed := tst.Status.Failed()
		pad := depth
		if tst.Status == grouping.Error {
			pad = 0 // a crash's stack trace reads best as the runtime wrote it
		}
		var tail []byte
		if failed {
			// Read into the terminal's buffer: the output of a compacted
			// package comes back from a spool, once.
			t.scratch = grouping.StripFramingInPlace(tst.AppendOutput(t.scratch[:0]))
			var head []byte
			head, tail = splitResult(t.scratch)
			t.writeIndented(head, tst.Dropped, pad)
			tail = bytes.Clone(tail) // the subtests below reuse the buffer
		}
		for _, sub := range children[tst.Name] {
			if !shown[sub] {
				show(sub, depth+1)
			}
		}
		if len(tail) > 0 {
			t.writeLines(tail, pad)
		}
	}
	show(g.Top(), 0)
	for _, tst := range g.Tests { // subtests whose parent has no events
		if !shown[tst] {
			show(tst, strings.Count(tst.Name, "/"))
		}
	}
}

// subtestsReason shows a group whose top-level test failed while every
// subtest passed: its reason is in their output (go before 1.20 gave a
// parent's log lines after a subtest to that subtest), shown as the
// stream has it, in the group's order, as gotestsum does; the parent's
// own result line last.
func (t *Terminal) subtestsReason(g *grouping.Group) {
	t.scratch = grouping.StripFramingInPlace(g.Top().AppendOutput(t.scratch[:0]))
	head, tail := splitResult(t.scratch)
	t.write(head, g.Top().Dropped)
	tail = bytes.Clone(tail)
	for _, sub := range g.Tests[1:] {
		t.scratch = grouping.StripFramingInPlace(sub.AppendOutput(t.scratch[:0]))
		t.write(t.scratch, sub.Dropped)
	}
	t.writeLines(tail, 0)
}

func parentName(test string) string {
	if i := strings.LastIndexByte(test, '/'); i >= 0 {
		return test[:i]
	}
	return ""
}

// splitResult splits a test's output before its last result line
// (--- FAIL: and what follows it, such as a panic).
func splitResult(out []byte) (head, tail []byte) {
	for i := len(out); i > 0; {
		j := bytes.LastIndexByte(out[:i-1], '\n') + 1
		if l := bytes.TrimLeft(out[j:i], " "); hasResultPrefix(l) {
			return out[:j], out[j:]
		}
		i = j
	}
	return out, nil
}

func hasResultPrefix(l []byte) bool {
	for _, p := range []string{"--- FAIL", "--- PASS", "--- SKIP"} {
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return false
}

// writeLines writes out with every non-empty line indented by four
// spaces per level of depth, ending with a newline.
func (t *Terminal) writeLines(out []byte, depth int) {
	if depth == 0 {
		t.out.Write(out)
	} else {
		pad := strings.Repeat("    ", depth)
		for line := range bytes.Lines(out) {
			if len(bytes.TrimSpace(line)) > 0 {
				t.out.WriteString(pad)
			}
			t.out.Write(line)
		}
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		t.out.WriteByte('\n')
	}
}

func (t *Terminal) write(out []byte, dropped int) { t.writeIndented(out, dropped, 0) }

// writeIndented writes output capped at MaxOutput (keeping the end), each
// line indented by depth levels.
func (t *Terminal) writeIndented(out []byte, dropped, depth int) {
	out, more := grouping.Trim(out, t.opts.MaxOutput)
	if n := dropped + more; n > 0 {
		fmt.Fprintf(t.out, "[... %d bytes truncated ...]\n", n)
	}
	t.writeLines(out, depth)
}

func (t *Terminal) buildErrors(pkgs []*grouping.PackageHistory) {
	first := true
	for _, ph := range pkgs {
		p := ph.Final()
		if p.Status != grouping.PackageBuildFailed {
			continue
		}
		if first {
			t.heading("Build failed")
			first = false
		}
		fmt.Fprintf(t.out, "%s %s\n", t.red.Sprint("=== BUILD FAILED:"), t.rel(ph.ImportPath))
		fmt.Fprint(t.out, ensureNewline(p.BuildOutput))
	}
}

func (t *Terminal) isQuarantined(pkg, group string) bool {
	return t.opts.Quarantined != nil && t.opts.Quarantined(pkg, group)
}

// quarantined lists the quarantined groups that failed: shown, but not
// failing the run.
func (t *Terminal) quarantined(pkgs []*grouping.PackageHistory) {
	first := true
	for _, ph := range pkgs {
		for _, h := range ph.Groups {
			if !h.Status().Failed() || !t.isQuarantined(ph.ImportPath, h.Name) {
				continue
			}
			if first {
				t.heading("Quarantined (their failures do not fail the run)")
				first = false
			}
			g := h.Final()
			fmt.Fprintf(t.out, "%s %s %s (%s)\n", t.yellow.Sprint("=== QUARANTINED "+strings.ToUpper(statusWord(g.Status()))+":"), t.rel(ph.ImportPath), h.Name, seconds(g.Top().Elapsed))
			if t.opts.Hide&HideOutput == 0 {
				t.groupOutput(g)
			}
			t.reproduce(ph, h)
		}
	}
}

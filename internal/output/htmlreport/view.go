// Package htmlreport writes gorerun's HTML report: one self-contained file
// (inline CSS, a few lines of JavaScript, no network) that shows which
// groups failed, which flaked and on which attempt, each attempt's output,
// and where the time went. Everything from the tests is escaped by
// html/template.
package htmlreport

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gorerun/gorerun/grouping"
)

// Meta describes the run the report is of.
type Meta struct {
	Title     string // the page's title ("gorerun report" when empty)
	Command   string
	GoVersion string
	Commit    string
	Wall      time.Duration // how long the run took (0: unknown)
	// MaxOutput caps each failed attempt's output, keeping the end
	// (0: 8 KiB: a page of a few thousand failures stays small).
	MaxOutput int
	// History, if set, gives each group's flake rate and latest runs in
	// the history (before this run): the table gets a column for them.
	History func(pkg, group string) (rate float64, runs int, recent []string, ok bool)
	// Reproduce, if set, gives the command that runs a failed group again
	// as its failed attempt ran.
	Reproduce func(ph *grouping.PackageHistory, h *grouping.History) string
	// Dir is the directory the page is written to: links to artifacts are
	// relative to it ("": absolute).
	Dir string
}

// The statuses a cell, test or group shows, by name (class and text).
const (
	statusPass    = "pass"
	statusFail    = "fail"
	statusError   = "crash"
	statusSkip    = "skip"
	statusNotRun  = "not run"
	statusFlaky   = "flaky"
	statusRunning = "unfinished"
)

type cell struct {
	Attempt int
	Status  string
	Time    string
}

type attemptOutput struct {
	Attempt int
	Status  string
	Text    string
}

type testView struct {
	Name     string
	Cells    []cell
	Outputs  []attemptOutput
	Evidence []attemptEvidence
	Note     string // an incremental step: why it was skipped
}

// attemptEvidence is what one attempt of a test left: its attributes and
// its artifacts.
type attemptEvidence struct {
	Attempt   int
	Status    string
	Attrs     []grouping.Attr
	Artifacts []artifact
}

// artifact is a file a test left, linked; a small image is shown inline.
type artifact struct {
	Name string
	// Href links the file: relative to the page, else a file: URL (built
	// from the path, so html/template may trust it).
	Href   template.URL
	Inline template.URL // a data: URL of a small image, or ""
}

type groupView struct {
	ID          string
	Package     string
	Name        string
	Status      string // pass, fail, crash, flaky, skip, not run
	Cells       []cell
	Time        time.Duration
	TimeText    string
	Incremental bool
	FailedStep  string
	Tests       []testView
	Message     string
	// Reproduce is the command that runs the group again as its failed
	// attempt ran; Seeds the shuffle seed of each attempt.
	Reproduce string
	Seeds     []cell
	// HasEvidence is set when a test of the group left attributes or
	// artifacts: a passing group gets details too.
	HasEvidence bool
	// AlwaysPassed counts the group's tests left out of its details: they
	// passed in every attempt that ran them.
	AlwaysPassed int
	// From the history: the flake rate over its runs, and a sparkline of
	// the latest runs.
	HasHistory bool
	Rate       string
	Spark      []spark
}

// spark is one run in a group's sparkline.
type spark struct {
	X      int
	Status string
}

type totals struct {
	Tests, Groups, Passed, Failed, Flaky, Skipped, Errors, Reruns int
	Unlisted                                                      int // passing groups the report no longer holds
	Wall                                                          string
}

type view struct {
	Meta     Meta
	Title    string
	Totals   totals
	Attempts []int
	Groups   []groupView
	Slowest  []groupView
	Timeline timeline
	Statuses []string
	History  bool // the table has the history column
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]`)

// buildView turns a report into what the template shows.
func buildView(r *grouping.Report, meta Meta) view {
	if meta.Title == "" {
		meta.Title = "gorerun report"
	}
	if meta.MaxOutput <= 0 {
		meta.MaxOutput = 8 << 10
	}
	v := view{Meta: meta, Title: meta.Title}
	for _, a := range r.Attempts {
		v.Attempts = append(v.Attempts, a.Number)
	}
	c := r.Counts()
	v.Totals = totals{Tests: c.Tests, Groups: c.Groups, Passed: c.Passed, Failed: c.Failed + c.PackageFailures + c.BuildFailures,
		Flaky: c.FlakyGroups, Skipped: c.Skipped, Errors: c.Errors + c.Interrupted, Reruns: max(len(r.Attempts)-1, 0)}
	if meta.Wall > 0 {
		v.Totals.Wall = fmt.Sprintf("%.1fs", meta.Wall.Seconds())
	}
	pkgs := r.Packages()
	// Output shares a budget: 8 KiB an attempt, less when thousands of
	// attempts failed, so that the page stays small enough to open.
	if n := failedAttempts(pkgs); n > 0 {
		meta.MaxOutput = min(meta.MaxOutput, max(outputBudget/n, 1<<10))
	}
	listed := 0
	for _, ph := range pkgs {
		for _, h := range ph.Groups {
			g := groupOf(ph, h, v.Attempts, meta.MaxOutput, len(v.Groups), meta.Dir)
			if meta.Reproduce != nil {
				g.Reproduce = meta.Reproduce(ph, h)
			}
			v.Groups = append(v.Groups, g)
			listed++
		}
		if f := ph.Final(); f.Status == grouping.PackageBuildFailed || f.FailedWithoutTest() {
			v.Groups = append(v.Groups, packageRow(ph, len(v.Groups), meta.MaxOutput))
		}
	}
	v.Totals.Unlisted = c.Groups - listed
	if meta.History != nil {
		v.History = true
		for i := range v.Groups {
			g := &v.Groups[i]
			rate, runs, recent, ok := meta.History(g.Package, g.Name)
			if !ok {
				continue
			}
			g.HasHistory = true
			g.Rate = fmt.Sprintf("%.0f%% of %d", rate*100, runs)
			for j, r := range recent {
				g.Spark = append(g.Spark, spark{X: j * 5, Status: r})
			}
		}
	}
	sort.SliceStable(v.Groups, func(i, j int) bool { return rank(v.Groups[i].Status) < rank(v.Groups[j].Status) })
	slow := append([]groupView(nil), v.Groups...)
	sort.SliceStable(slow, func(i, j int) bool { return slow[i].Time > slow[j].Time })
	v.Slowest = slow[:min(10, len(slow))]
	v.Timeline = buildTimeline(r)
	v.Statuses = []string{statusFail, statusError, statusFlaky, statusNotRun, statusSkip, statusPass}
	return v
}

// rank orders groups: failures first, then crashes, flaky, not run,
// skipped, passed.
func rank(status string) int {
	switch status {
	case statusFail:
		return 0
	case statusError:
		return 1
	case statusFlaky:
		return 2
	case statusNotRun:
		return 3
	case statusSkip:
		return 5
	case statusPass:
		return 6
	}
	return 4
}

func statusName(s grouping.Status) string {
	switch s {
	case grouping.Pass:
		return statusPass
	case grouping.Fail:
		return statusFail
	case grouping.Error:
		return statusError
	case grouping.Skip:
		return statusSkip
	case grouping.NotRun:
		return statusNotRun
	}
	return statusRunning
}

func groupOf(ph *grouping.PackageHistory, h *grouping.History, attempts []int, maxOutput, index int, dir string) groupView {
	g := groupView{ID: fmt.Sprintf("g%d", index), Package: ph.ImportPath, Name: h.Name, Status: statusName(h.Status())}
	if h.Flaky() {
		g.Status = statusFlaky
	}
	final := h.Final()
	g.Time = final.Top().Elapsed
	g.TimeText = fmt.Sprintf("%.2fs", g.Time.Seconds())
	g.Incremental = final.Incremental
	byAttempt := map[int]*grouping.Group{}
	testsOf := map[int]map[string]*grouping.Test{} // each run's tests by name
	for _, run := range h.Runs {
		byAttempt[run.Attempt] = run
		tests := make(map[string]*grouping.Test, len(run.Tests))
		for _, t := range run.Tests {
			tests[t.Name] = t
		}
		testsOf[run.Attempt] = tests
	}
	for _, n := range attempts {
		if run := byAttempt[n]; run != nil {
			g.Cells = append(g.Cells, cell{Attempt: n, Status: statusName(run.Status()), Time: fmt.Sprintf("%.2fs", run.Top().Elapsed.Seconds())})
		} else {
			g.Cells = append(g.Cells, cell{Attempt: n})
		}
	}
	for _, p := range ph.Runs {
		if byAttempt[p.Attempt] != nil && p.Seed() != "" {
			g.Seeds = append(g.Seeds, cell{Attempt: p.Attempt, Status: statusName(byAttempt[p.Attempt].Status()), Time: p.Seed()})
		}
	}
	if g.Status != statusPass && g.Status != statusSkip {
		g.Message = visible(final.FailureMessage(final.Top()))
		if g.Status == statusFlaky {
			for _, run := range h.Runs {
				if run.Status().Failed() {
					g.Message = visible(run.FailureMessage(run.Top()))
					break
				}
			}
		}
	}
	for _, t := range h.FinalTests() {
		tv := testView{Name: t.Name}
		for _, n := range attempts {
			rt := testsOf[n][t.Name]
			if rt == nil {
				tv.Cells = append(tv.Cells, cell{Attempt: n})
				continue
			}
			st := statusName(rt.Status)
			tv.Cells = append(tv.Cells, cell{Attempt: n, Status: st, Time: fmt.Sprintf("%.2fs", rt.Elapsed.Seconds())})
			if rt.Status.Failed() && rt.OutputLen() > 0 {
				if text := clean(rt.Output(), rt.Dropped, maxOutput); !onlyResultLines(text) {
					tv.Outputs = append(tv.Outputs, attemptOutput{Attempt: n, Status: st, Text: text})
				}
			}
			if e := rt.Evidence; e != nil {
				tv.Evidence = append(tv.Evidence, attemptEvidence{Attempt: n, Status: st, Attrs: e.Attrs, Artifacts: artifacts(e.Files(), dir)})
				g.HasEvidence = true
			}
			if g.Incremental && rt.Status == grouping.Skip && !rt.IsTop() {
				tv.Note = rt.SkipReason()
			}
			if g.Incremental && rt.Status == grouping.Fail && !rt.IsTop() && n == final.Attempt {
				g.FailedStep = rt.Name
			}
		}
		if allPassed(tv.Cells) && tv.Note == "" && len(tv.Evidence) == 0 {
			g.AlwaysPassed++
			continue
		}
		g.Tests = append(g.Tests, tv)
	}
	return g
}

// maxInline is the largest image shown inline in the page; larger ones
// are linked only.
const maxInline = 256 << 10

// inlineTypes are the image types shown inline, by extension (not SVG: a
// page must not carry what a test wrote as markup).
var inlineTypes = map[string]string{".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}

// artifacts links a test's artifact files relative to dir (the page's
// directory) when it is set.
func artifacts(files []string, dir string) []artifact {
	var out []artifact
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			continue
		}
		a := artifact{Name: filepath.Base(f), Href: template.URL((&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String())}
		if dir != "" {
			if rel, err := filepath.Rel(dir, abs); err == nil {
				a.Href = template.URL((&url.URL{Path: filepath.ToSlash(rel)}).String())
			}
		}
		if typ, ok := inlineTypes[strings.ToLower(filepath.Ext(f))]; ok {
			if st, err := os.Stat(f); err == nil && st.Size() <= maxInline {
				if b, err := os.ReadFile(f); err == nil {
					a.Inline = template.URL("data:" + typ + ";base64," + base64.StdEncoding.EncodeToString(b))
				}
			}
		}
		out = append(out, a)
	}
	return out
}

func allPassed(cells []cell) bool {
	for _, c := range cells {
		if c.Status != "" && c.Status != statusPass {
			return false
		}
	}
	return true
}

// packageRow shows a package that failed without a failing test (a build
// failure, TestMain) as a row of its own.
func packageRow(ph *grouping.PackageHistory, index, maxOutput int) groupView {
	f := ph.Final()
	g := groupView{ID: fmt.Sprintf("g%d", index), Package: ph.ImportPath, Name: "[package]", Status: statusFail}
	out := []byte(f.BuildOutput)
	g.Message = "build failed"
	if f.Status != grouping.PackageBuildFailed {
		out = f.Output
		g.Message = "the package failed outside any test"
	}
	g.Tests = []testView{{Name: "[package]", Outputs: []attemptOutput{{Attempt: f.Attempt, Status: statusFail, Text: clean(out, 0, maxOutput)}}}}
	g.TimeText = fmt.Sprintf("%.2fs", f.Elapsed.Seconds())
	return g
}

// clean makes output fit to show: ANSI escapes stripped, capped at max
// bytes keeping the end, with a marker of what was cut.
func clean(out []byte, dropped, max int) string {
	s := ansi.ReplaceAllString(string(grouping.StripFraming(out)), "")
	if len(s) > max {
		dropped += len(s) - max
		s = s[len(s)-max:]
	}
	if dropped > 0 {
		s = fmt.Sprintf("[... %d bytes truncated ...]\n", dropped) + s
	}
	return visible(s)
}

// visible shows the bytes a page must not hold raw as the JUnit report
// does: a control character (NUL, \x01, ... but tab and line ends) as
// U+0000, a byte that is not UTF-8 as \xff.
// (junitout's sanitize escapes what XML cannot hold, which keeps DEL and
// the C1 controls; a page shows those visibly too.)
func visible(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r':
			fmt.Fprintf(&b, "U+%04X", r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// onlyResultLines reports whether output says nothing but its test's
// result ("--- FAIL: TestX (0.01s)", a parent of a failed subtest).
func onlyResultLines(s string) bool {
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--- ") {
			return false
		}
	}
	return true
}

// outputBudget is the most failure output a page holds, over all attempts.
const outputBudget = 12 << 20

// failedAttempts counts the test runs whose output the page shows.
func failedAttempts(pkgs []*grouping.PackageHistory) int {
	n := 0
	for _, ph := range pkgs {
		for _, h := range ph.Groups {
			for _, g := range h.Runs {
				for _, t := range g.Tests {
					if t.Status.Failed() && t.OutputLen() > 0 {
						n++
					}
				}
			}
		}
	}
	return n
}

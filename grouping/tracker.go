package grouping

import (
	"regexp"
	"strings"
	"time"
	"unsafe"

	"github.com/gorerun/gorerun/testjson"
)

// IncrementalAttr is the attribute key the incremental package sets on a
// parent test to mark its group incremental.
const IncrementalAttr = "gorerun.incremental"

// incrementalSkip matches the skip message of a step after a failed step
// (incremental.SkipMessage), which marks a group incremental on Go versions
// without test attributes.
var incrementalSkip = regexp.MustCompile(`^previous step ".*" failed$`)

// Options configure a Tracker.
type Options struct {
	// Attempt is the attempt number stored in every result.
	Attempt int
	// KeepPassingOutput keeps the output of passed tests (for reports that
	// show it); by default it is dropped as soon as a test passes, so memory
	// grows with failing output only.
	KeepPassingOutput bool
	// MaxOutput caps the output kept per test and per package, keeping the
	// end. Zero means no cap.
	MaxOutput int
	// Worker is the --workers process the tracker follows (0: the package
	// runs in one process); it is stored in every package.
	Worker int
	// Now, if set, tells Finish when a live run ended, so that tests cut off
	// by an interrupt report how long they ran. Recorded streams leave it
	// nil: their last event's time is the end.
	Now func() time.Time
}

// Tracker folds the events of one attempt into results. It is not safe for
// concurrent use; feed it from one goroutine.
type Tracker struct {
	opts     Options
	pkgs     map[string]*Package
	order    []*Package
	build    map[string]*strings.Builder // build output by package, variant stripped
	loose    []byte
	finished bool
	expected map[*Test]bool // placeholders from Expect not yet seen
	// interrupted is set by Interrupt: the run was stopped.
	interrupted bool

	lastPkg     *Package // the previous event's package and test: events
	lastTest    *Test    // come in runs, so most lookups end here
	lastTestPkg *Package
	pkgCache    [cacheSlots]pkgSlot // then these, before the maps
	testCache   [cacheSlots]testSlot
	free        [][]byte // output buffers of passed tests, for reuse

	clamped      int     // events whose Elapsed was out of range
	firstClamped float64 // the first such value
	lastTime     time.Time
}

// NewTracker returns a Tracker for one attempt.
func NewTracker(opts Options) *Tracker {
	return &Tracker{opts: opts, pkgs: map[string]*Package{}, build: map[string]*strings.Builder{},
		expected: map[*Test]bool{}}
}

// cacheSlots is the size of the tracker's direct-mapped caches of
// packages and tests, which spare a map lookup for most events of streams
// that interleave packages.
const cacheSlots = 256

type pkgSlot struct {
	path string
	p    *Package
}

type testSlot struct {
	p    *Package
	gen  uint32 // p.gen when cached: a compacted package drops tests
	name string
	t    *Test
}

// slot picks a cache slot for a name by its address: the testjson decoder
// interns names, so every event of a package or test carries the same
// string. Other strings only miss the cache.
func slot(s string) int {
	return int(uintptr(unsafe.Pointer(unsafe.StringData(s)))>>4) & (cacheSlots - 1)
}

func (tr *Tracker) pkg(path string) *Package {
	if tr.lastPkg != nil && tr.lastPkg.ImportPath == path {
		return tr.lastPkg
	}
	c := &tr.pkgCache[slot(path)]
	if c.p != nil && c.path == path {
		tr.lastPkg = c.p
		return c.p
	}
	p := tr.pkgs[path]
	if p == nil {
		p = &Package{ImportPath: path, Attempt: tr.opts.Attempt, Worker: tr.opts.Worker, Status: PackageIncomplete,
			groups: map[string]*Group{}, tests: map[string]*Test{}}
		tr.pkgs[path] = p
		tr.order = append(tr.order, p)
	}
	*c = pkgSlot{path, p}
	tr.lastPkg = p
	return p
}

// test returns the test with the given full name, creating it and its
// group (and any parent not seen yet) on first use.
func (tr *Tracker) test(p *Package, name string) *Test {
	if t := tr.lastTest; t != nil && tr.lastTestPkg == p && t.Name == name {
		return t
	}
	c := &tr.testCache[slot(name)]
	if c.p == p && c.gen == p.gen && c.name == name {
		tr.lastTest, tr.lastTestPkg = c.t, p
		return c.t
	}
	p.index() // after Compact, once
	if t := p.tests[name]; t != nil {
		*c = testSlot{p, p.gen, name, t}
		tr.lastTest, tr.lastTestPkg = t, p
		return t
	}
	top, _, nested := strings.Cut(name, "/")
	g := p.groups[top]
	if g == nil {
		// One allocation for the group, its top-level test and the
		// first entry of its list.
		b := &groupBlock{group: Group{Name: top, Attempt: tr.opts.Attempt}, top: Test{Name: top}}
		g = &b.group
		b.list[0] = &b.top
		g.Tests = b.list[:1]
		p.groups[top] = g
		p.Groups = append(p.Groups, g)
		p.tests[top] = &b.top
	}
	if !nested {
		return p.tests[top]
	}
	t := g.newTest(name)
	p.tests[name] = t
	g.Tests = append(g.Tests, t)
	*c = testSlot{p, p.gen, name, t}
	return t
}

// groupBlock is a new group as it is allocated.
type groupBlock struct {
	group Group
	top   Test
	list  [4]*Test // a group of up to three subtests lists them here
}

// newTest returns a new test of the group. Subtests are allocated a few
// at a time: they live exactly as long as their group.
func (g *Group) newTest(name string) *Test {
	if len(g.spare) == 0 {
		g.spare = make([]Test, min(max(3, len(g.Tests)), 32))
	}
	t := &g.spare[0]
	g.spare = g.spare[1:]
	t.Name = name
	return t
}

// Add folds one event into the attempt.
func (tr *Tracker) Add(ev *testjson.Event) {
	if !ev.Time.IsZero() {
		tr.lastTime = ev.Time
	}
	switch ev.Action {
	case testjson.ActionBuildOutput:
		path := ev.BuildPackage()
		b := tr.build[path]
		if b == nil {
			b = &strings.Builder{}
			tr.build[path] = b
		}
		b.WriteString(ev.Output)
		return
	case testjson.ActionBuildFail:
		return
	}
	if ev.NotJSON {
		tr.loose = appendCapped(tr.loose, ev.Output, tr.opts.MaxOutput, nil)
		return
	}
	// Events without Package (test2json run on a test binary without -p)
	// belong to one package with an empty import path, as in gotestsum.
	p := tr.pkg(ev.Package)
	if ev.Test == "" {
		tr.addPackageEvent(p, ev)
		return
	}
	t := tr.test(p, ev.Test)
	if t.spooled != nil {
		t.unspool() // its package ended and was compacted: a stream that runs it again
	}
	if tr.expected[t] {
		delete(tr.expected, t) // it ran after all
		t.out = nil
	}
	tr.addTestEvent(p, t, ev)
}

// addTestEvent folds an event of test t of package p into its result.
func (tr *Tracker) addTestEvent(p *Package, t *Test, ev *testjson.Event) {
	switch ev.Action {
	case testjson.ActionRun, testjson.ActionCont:
		if t.Status == NotRun {
			t.Status = Running
		}
		if ev.Action == testjson.ActionRun && !ev.Time.IsZero() {
			t.started = ev.Time.UnixNano()
		}
	case testjson.ActionOutput:
		tr.addOutput(p, t, ev)
	case testjson.ActionPass, testjson.ActionBench:
		t.Elapsed = tr.elapsed(ev)
		t.ended = max(t.ended, ev.Time.UnixNano())
		if t.Status == Fail || t.Status == Error {
			return // -count=N: one failed repetition fails the test
		}
		t.Status = Pass
		if t.IsTop() {
			tr.groupEnded(p, t)
		}
	case testjson.ActionFail:
		t.Status = Fail
		t.Elapsed = tr.elapsed(ev)
		t.ended = max(t.ended, ev.Time.UnixNano())
		if t.IsTop() {
			tr.groupEnded(p, t)
		}
	case testjson.ActionSkip:
		if t.Status == Fail || t.Status == Error {
			return
		}
		t.Status = Skip
		t.Elapsed = tr.elapsed(ev)
		t.ended = max(t.ended, ev.Time.UnixNano())
		if t.IsTop() {
			tr.groupEnded(p, t)
		} else if incrementalSkip.MatchString(t.SkipReason()) {
			top, _, _ := strings.Cut(t.Name, "/")
			p.groups[top].Incremental = true
		}
	case testjson.ActionAttr:
		e := t.evidence()
		e.Attrs = append(e.Attrs, Attr{ev.Key, ev.Value})
		if ev.Key == IncrementalAttr && t.IsTop() {
			p.groups[t.Name].Incremental = true
		}
	case testjson.ActionArtifacts:
		e := t.evidence()
		e.Artifacts = append(e.Artifacts, ev.Path)
	}
}

// addOutput keeps a line of test t's output (capped), and notes a data
// race and the test's first marked failure (its message).
func (tr *Tracker) addOutput(p *Package, t *Test, ev *testjson.Event) {
	if t.out == nil && len(tr.free) > 0 {
		t.out = tr.free[len(tr.free)-1]
		tr.free = tr.free[:len(tr.free)-1]
	}
	t.out = appendCapped(t.out, ev.Output, tr.opts.MaxOutput, &t.Dropped)
	if strings.HasPrefix(ev.Output, "WARNING: DATA RACE") {
		top, _, _ := strings.Cut(t.Name, "/")
		p.groups[top].Race = true
	}
	switch ev.OutputType {
	case "error": // the first marked failure is the message
		if t.ErrorText == "" {
			t.ErrorText = strings.Clone(logText(ev.Output)) // Output is the decoder's buffer
		} else {
			t.errorDone = true
		}
	case "error-continue":
		if t.ErrorText != "" && !t.errorDone {
			t.ErrorText += "\n" + strings.TrimSpace(ev.Output)
		}
	}
	if t.Status == NotRun {
		t.Status = Running
	}
}

func (tr *Tracker) addPackageEvent(p *Package, ev *testjson.Event) {
	switch ev.Action {
	case testjson.ActionStart:
		// Another process of the same attempt (resuming after a crash):
		// whether the binary completed is a question about this process.
		p.Completed, p.Panicked = false, false
		p.Status = PackageIncomplete
	case testjson.ActionOutput:
		line := ev.Output
		switch {
		case line == "PASS\n" || line == "FAIL\n":
			p.Completed = true
		case p.Completed && strings.HasPrefix(line, "panic: "):
			p.Panicked = true // after PASS: TestMain's cleanup, a goroutine
		case strings.HasSuffix(line, "(cached)\n") || strings.Contains(line, "\t(cached)"):
			p.Cached = true
			p.Completed = true
		case strings.HasSuffix(line, "[no test files]\n"), strings.Contains(line, "[no tests to run]"),
			strings.HasPrefix(line, "testing: warning: no tests to run"):
			p.NoTests = true
		case strings.HasPrefix(line, "-test.shuffle "):
			p.ShuffleSeed = strings.Clone(strings.TrimRight(line, "\n"))
		}
		if i := strings.Index(line, "coverage:"); i >= 0 && strings.Contains(line[i:], "% of statements") {
			p.Coverage = strings.Clone(strings.TrimRight(line[i:], "\n"))
		}
		p.Output = appendCapped(p.Output, line, tr.opts.MaxOutput, nil)
	case testjson.ActionPass:
		tr.endPackage(p, PackagePass, ev)
	case testjson.ActionSkip:
		tr.endPackage(p, PackageSkip, ev)
	case testjson.ActionFail:
		if ev.FailedBuild != "" {
			p.BuildOutput = tr.buildOutput(p.ImportPath, ev.FailedBuild)
			tr.endPackage(p, PackageBuildFailed, ev)
			return
		}
		tr.endPackage(p, PackageFail, ev)
	}
}

// buildOutput joins the build output of the package that failed to build
// (which may be a dependency shared by several packages) and of the package
// itself.
func (tr *Tracker) buildOutput(pkg, failed string) string {
	var out strings.Builder
	seen := map[string]bool{}
	for _, path := range []string{testjson.StripVariant(failed), pkg} {
		if b := tr.build[path]; b != nil && !seen[path] {
			seen[path] = true
			out.WriteString(b.String())
		}
	}
	if out.Len() == 0 {
		return "build failed: " + failed + "\n"
	}
	return out.String()
}

func (tr *Tracker) endPackage(p *Package, st PackageStatus, ev *testjson.Event) {
	p.Status = st
	p.Elapsed = tr.elapsed(ev)
	p.ended = ev.Time
	if st == PackagePass || st == PackageSkip {
		p.Completed = true
	}
	tr.settle(p)
}

// elapsed is the event's Elapsed, clamped, counting the events it had to
// clamp.
func (tr *Tracker) elapsed(ev *testjson.Event) time.Duration {
	d, ok := ev.ElapsedDuration()
	if !ok {
		tr.clamped++
		if tr.clamped == 1 {
			tr.firstClamped = ev.Elapsed
		}
	}
	return d
}

// groupEnded drops the output of the passed tests of the group whose
// top-level test top just ended, unless Options.KeepPassingOutput. A
// subtest's output is kept until then: when the top-level test fails and
// no subtest does, it is the failure's reason (go before 1.20 had
// test2json give a parent's log lines after a subtest to that subtest),
// as gotestsum shows it.
func (tr *Tracker) groupEnded(p *Package, top *Test) {
	if tr.opts.KeepPassingOutput {
		return
	}
	g := p.Group(top.Name)
	if g == nil {
		return
	}
	if top.Status == Fail && !g.subtestFailed() {
		return
	}
	for _, t := range g.Tests {
		if t.Status == Pass {
			tr.recycle(t)
		}
	}
}

// recycle drops a passed test's output and keeps its buffer for reuse.
func (tr *Tracker) recycle(t *Test) {
	if cap(t.out) > 0 && cap(t.out) <= 64<<10 && len(tr.free) < 64 {
		tr.free = append(tr.free, t.out[:0])
	}
	t.out, t.Dropped = nil, 0
}

// settle gives every test still running at the end of its package a result:
// benchmarks of a binary that completed passed (test2json writes no pass
// event for them); anything else was cut off by a crash, a timeout or
// os.Exit, and gets the package's trailing output.
func (tr *Tracker) settle(p *Package) {
	crashed := !p.Completed && p.Status != PackagePass && p.Status != PackageSkip
	p.index()
	for _, g := range p.Groups {
		for i, t := range g.Tests {
			t.unspool() // a package ended again (a stream that runs it twice)
			if crashed && t.Status == Fail && firstMatching(t.out, "panic: ") != "" {
				t.Status = Error // it panicked and took the test binary down
				continue
			}
			if t.Status != Running {
				continue
			}
			if (p.Completed && strings.HasPrefix(t.Name, "Benchmark")) || parentPassed(p, t) {
				t.Status = Pass
				if !tr.opts.KeepPassingOutput {
					t.out, t.Dropped = nil, 0
				}
				continue
			}
			t.Status, t.CutOff, t.own = Error, true, len(t.out)
			if p.Interrupted {
				t.Status = Interrupted // stopped, not crashed
			}
			t.Elapsed = tr.runningFor(p, t)
			if !hasRunningChild(g.Tests[i+1:], t.Name) {
				t.out = appendCapped(t.out, string(p.Output), tr.opts.MaxOutput, &t.Dropped)
			}
		}
	}
}

// runningFor is how long a test that never ended ran: from its run event
// to its package's end (or the stream's last event), when the stream has
// times.
func (tr *Tracker) runningFor(p *Package, t *Test) time.Duration {
	end := p.ended
	if end.IsZero() {
		end = tr.lastTime
	}
	if t.started == 0 || end.IsZero() {
		return t.Elapsed
	}
	return max(0, min(time.Duration(end.UnixNano()-t.started), testjson.MaxElapsed))
}

// parentPassed reports whether a parent of t passed: a parent cannot pass
// with a failed subtest, so a subtest whose end event is missing passed.
func parentPassed(p *Package, t *Test) bool {
	for name := t.Name; ; {
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			return false
		}
		name = name[:i]
		if parent := p.tests[name]; parent != nil && parent.Status == Pass {
			return true
		}
	}
}

// hasRunningChild reports whether a subtest of parent is still running;
// the package's trailing output goes to the innermost running tests only.
func hasRunningChild(tests []*Test, parent string) bool {
	for _, t := range tests {
		if t.Status == Running && strings.HasPrefix(t.Name, parent+"/") {
			return true
		}
	}
	return false
}

// Finish ends the attempt: packages whose stream ended early are settled as
// incomplete. The Tracker must not be used afterwards.
func (tr *Tracker) Finish() *Attempt {
	if !tr.finished {
		tr.finished = true
		for _, p := range tr.order {
			p.restore() // the groups Compact moved to a spool
		}
		if tr.opts.Now != nil {
			if now := tr.opts.Now(); now.After(tr.lastTime) {
				tr.lastTime = now
			}
		}
		for _, p := range tr.order {
			if p.Status == PackageIncomplete {
				tr.settle(p)
			}
		}
		if tr.interrupted {
			for t := range tr.expected {
				t.Status = Interrupted // never started: the run stopped first
			}
		}
	}
	return &Attempt{Number: tr.opts.Attempt, Packages: tr.order, Output: tr.loose,
		ClampedElapsed: tr.clamped, FirstClamped: tr.firstClamped}
}

// Interrupt records that the run was interrupted (SIGINT, SIGTERM, a
// cancelled CI job) at the moment at. The packages still running then, and
// those that ended at or after it without finishing (the interrupt stopped
// them; the end event may be handled before Interrupt is called), end as
// interrupted rather than crashed: the tests they cut off are Interrupted,
// not Error. Groups expected by Expect that never start are Interrupted
// too, not "not run: ... selected no test". Calling it again with the same
// moment changes nothing more.
func (tr *Tracker) Interrupt(at time.Time) {
	if tr.finished {
		return
	}
	tr.interrupted = true
	for _, p := range tr.order {
		switch {
		case p.Status == PackageIncomplete:
			p.Interrupted = true
		case p.Status == PackageFail && !p.Completed && !p.Interrupted && !p.ended.Before(at):
			p.Interrupted = true // ended by the interrupt, before this call
			for _, g := range p.Groups {
				for _, t := range g.Tests {
					if t.CutOff && t.Status == Error {
						t.Status = Interrupted
					}
				}
			}
		}
	}
	for t := range tr.expected {
		t.out = []byte("not run: the run was interrupted before it started\n")
	}
}

// Packages returns the packages seen so far, in the order they appeared.
func (tr *Tracker) Packages() []*Package { return tr.order }

// Package returns the package's result so far, or nil if it has no events.
// Asked after Add for the event's package (as every reader does), it is
// the package Add just found.
func (tr *Tracker) Package(path string) *Package {
	if tr.lastPkg != nil && tr.lastPkg.ImportPath == path {
		return tr.lastPkg
	}
	return tr.pkgs[path]
}

// appendCapped appends s to b, keeping at most max bytes (the end) when max
// is positive; dropped counts the bytes removed.
func appendCapped(b []byte, s string, max int, dropped *int) []byte {
	b = append(b, s...)
	if max > 0 && len(b) > 2*max {
		cut := len(b) - max
		if dropped != nil {
			*dropped += cut
		}
		b = append(b[:0], b[cut:]...)
	}
	return b
}

// Trim returns the last max bytes of b and how many were dropped before
// them; it is how renderers apply the output cap exactly.
func Trim(b []byte, max int) ([]byte, int) {
	if max <= 0 || len(b) <= max {
		return b, 0
	}
	return b[len(b)-max:], len(b) - max
}

// Expect records that this attempt was asked to run the named groups of a
// package. Groups the stream never mentions are then reported as not run
// by Finish, so a rerun that selects nothing fails instead of passing.
func (tr *Tracker) Expect(pkg string, groups []string, why string) {
	p := tr.pkg(pkg)
	p.index()
	for _, name := range groups {
		if p.groups[name] == nil {
			t := tr.test(p, name)
			t.out = []byte(why + "\n")
			tr.expected[t] = true
		}
	}
}

// NotStarted records packages that the run was to test but that produced
// no event at all (go test -failfast stops before them; a go test that died
// early never reaches them), so they are reported as not run.
func (tr *Tracker) NotStarted(pkgs []string, why string) {
	for _, path := range pkgs {
		if tr.pkgs[path] != nil {
			continue
		}
		p := tr.pkg(path)
		p.Status = PackageNotRun
		p.Output = []byte(why + "\n")
	}
}

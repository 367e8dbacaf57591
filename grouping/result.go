package grouping

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/gorerun/gorerun/internal/file/spool"
	"github.com/gorerun/gorerun/testjson"
)

// Status is the outcome of a test or group in one attempt.
type Status int

// The statuses, from "nothing known" to the definite results.
const (
	NotRun  Status = iota // never started in this attempt
	Running               // started, no result yet
	Pass
	Fail
	Skip
	Error // crashed: the test binary exited or was killed while it ran
	// Interrupted: the run was interrupted (SIGINT, SIGTERM, a cancelled
	// CI job) while the test ran or before it started. Neither a failure
	// nor a crash of the test: it did not finish.
	Interrupted
)

var statusNames = [...]string{"not run", "running", "pass", "fail", "skip", "error", "interrupted"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// Failed reports whether the status means the test did not pass: it failed,
// crashed, never ran or never finished.
func (s Status) Failed() bool {
	return s == Fail || s == Error || s == NotRun || s == Running || s == Interrupted
}

// Test is one test or subtest in one attempt.
type Test struct {
	Name    string // full name as go test prints it: TestA/sub_case#01
	Status  Status
	Elapsed time.Duration
	// out is the test's own output (see Output) while it is in memory.
	out []byte
	// spooled is where Compact moved out to.
	spooled *spooled
	// Dropped counts output bytes dropped from the front of Output.
	Dropped int
	// Evidence is what the test left in this attempt besides its output
	// (nil: nothing): attributes and artifact directories.
	Evidence *Evidence
	// started is when the test's run event happened (Unix nanoseconds),
	// for the elapsed time of a test that never ended.
	started int64
	// ended is when its last pass, fail or skip event happened (Unix
	// nanoseconds; 0: none with a time), for its group's Wall time.
	ended int64
	// CutOff is set when the test never ended: its package ended (a crash,
	// a timeout, os.Exit) while it ran, and it was given an error.
	CutOff bool
	own    int // with CutOff: the bytes of Output that are the test's own, before its package's
	// ErrorText is the first failure the stream marked with
	// "OutputType":"error" (newer test2json), with its continuation lines.
	ErrorText string
	errorDone bool
}

// Evidence is what one attempt of a test left besides its output. It
// hangs off Test by a pointer: most tests leave none, and a run holds a
// million tests.
type Evidence struct {
	// Attrs are the attributes the test set with testing.T.Attr, in the
	// order it set them (a key set twice appears twice, as go test
	// printed it).
	Attrs []Attr
	// Artifacts are the directories go test -artifacts gave the test
	// (testing.T.ArtifactDir), as its artifacts events named them: each
	// attempt has its own.
	Artifacts []string

	files     sync.Once // lists the artifacts' files once for every report
	fileNames []string
}

// Files lists the files in the artifact directories (or the paths
// themselves when they are files, as a report read back names them), in
// order, each directory's files sorted by name; a directory that is gone
// lists nothing. The directories are read once: every report that shows
// the files gets the same list.
func (e *Evidence) Files() []string {
	e.files.Do(func() {
		for _, p := range e.Artifacts {
			st, err := os.Stat(p)
			if err != nil {
				continue
			}
			if !st.IsDir() {
				e.fileNames = append(e.fileNames, p)
				continue
			}
			_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					e.fileNames = append(e.fileNames, path)
				}
				return nil
			})
		}
	})
	return e.fileNames
}

// Attr is one attribute a test set with testing.T.Attr.
type Attr struct{ Key, Value string }

// evidence returns the test's Evidence, creating it.
func (t *Test) evidence() *Evidence {
	if t.Evidence == nil {
		t.Evidence = &Evidence{}
	}
	return t.Evidence
}

// Output is the test's own output (not its subtests'), capped by
// Options.MaxOutput, keeping the end. Passed tests keep no output unless
// Options.KeepPassingOutput is set. Once its package was compacted to a
// spool, each call reads it back from there: call it once per use.
func (t *Test) Output() []byte {
	if t.spooled != nil {
		return t.spooled.read()
	}
	return t.out
}

// AppendOutput appends Output to dst: what a caller that reads many
// outputs uses, with a buffer of its own, instead of allocating for each.
func (t *Test) AppendOutput(dst []byte) []byte {
	if t.spooled != nil {
		b, err := t.spooled.s.AppendTo(dst, t.spooled.r)
		if err != nil {
			return append(dst, t.spooled.lost(err)...)
		}
		return b
	}
	return append(dst, t.out...)
}

// OutputLen is the length of Output, without reading it back.
func (t *Test) OutputLen() int {
	if t.spooled != nil {
		return t.spooled.r.Len()
	}
	return len(t.out)
}

// SetOutput replaces the test's output.
func (t *Test) SetOutput(b []byte) { t.out, t.spooled = b, nil }

// OwnOutput is the test's output without the package output a cut-off
// test is given (see CutOff).
func (t *Test) OwnOutput() []byte {
	out := t.Output()
	if t.CutOff {
		return out[:min(t.own, len(out))]
	}
	return out
}

// spooled is where a test's output was moved to (see Package.Compact).
type spooled struct {
	s *spool.File
	r spool.Ref
}

// read returns the output, or a line saying why it is lost.
func (sp *spooled) read() []byte {
	b, err := sp.s.Get(sp.r)
	if err != nil {
		return sp.lost(err)
	}
	return b
}

// lost is what stands for output that could not be read back.
func (sp *spooled) lost(err error) []byte {
	return fmt.Appendf(nil, "[gorerun: %d bytes of output kept in a temporary file could not be read back: %v]\n", sp.r.Len(), err)
}

// unspool moves the output back to memory, for a test that gets more
// output after its package was compacted (a stream that runs it again).
func (t *Test) unspool() {
	if t.spooled != nil {
		t.out, t.spooled = t.spooled.read(), nil
	}
}

// IsTop reports whether the test is a top-level test.
func (t *Test) IsTop() bool { return !strings.Contains(t.Name, "/") }

// SkipReason returns the message of a skipped test: the last line the test
// logged, without the file:line prefix.
func (t *Test) SkipReason() string {
	return lastLogLine(t.Output())
}

// FailureMessage says why the test failed: the first line the stream
// marked as an error (OutputType, newer test2json), else the last
// file_test.go:N: message before the test's result line with its
// continuation lines, or a description of the crash.
func (t *Test) FailureMessage() string {
	out := t.Output()
	if t.Status == Error {
		if line := firstMatching(out, "panic: "); line != "" {
			return line
		}
		return "test binary exited while the test was running"
	}
	if t.Status == Interrupted {
		if t.CutOff {
			return "interrupted while the test was running"
		}
		return "interrupted before the test started"
	}
	if t.Status == NotRun {
		if msg := strings.TrimSpace(string(out)); msg != "" {
			return firstLine(msg)
		}
		return "not run"
	}
	if t.ErrorText != "" {
		return capMessage(t.ErrorText)
	}
	if line := firstMatching(out, "panic: "); line != "" {
		return line
	}
	if msg := lastMessage(out); msg != "" {
		return capMessage(msg)
	}
	if line := firstLogLine(out); line != "" {
		return capMessage(line) // no file:line message: plain output
	}
	return "Failed"
}

// Message limits: a failure message is a summary; the output has the rest.
const (
	maxMessageLines = 10
	maxMessageBytes = 1000
)

// capMessage keeps the first maxMessageLines lines and maxMessageBytes
// bytes of a message, marking the cut with "…".
func capMessage(msg string) string {
	cut := false
	if n := strings.Count(msg, "\n"); n >= maxMessageLines {
		i := 0
		for range maxMessageLines {
			i += strings.IndexByte(msg[i:], '\n') + 1
		}
		msg, cut = msg[:i-1], true
	}
	if len(msg) > maxMessageBytes {
		i := maxMessageBytes
		for i > 0 && !utf8.RuneStart(msg[i]) {
			i--
		}
		msg, cut = msg[:i], true
	}
	if cut {
		msg += " …"
	}
	return msg
}

// lastMessage returns the last "file.go:N: message" the test logged before
// its result line, with the continuation lines that belong to it.
func lastMessage(out []byte) string {
	s := view(out)
	// The lines before the first "--- FAIL" line: found by a search, not
	// line by line (a failed test's output is often long).
	r := s
	for from := 0; ; {
		i := strings.Index(s[from:], "--- FAIL")
		if i < 0 {
			break
		}
		p := from + i
		if ls := strings.LastIndexByte(s[:p], '\n') + 1; strings.TrimSpace(s[ls:p]) == "" {
			r = s[:max(ls-1, 0)]
			break
		}
		from = p + len("--- FAIL")
	}
	// The last file:line message of those lines, from the end: its
	// continuation lines run to the first empty or framing line after it.
	cut := len(r) + 1 // where that line starts (as if one followed r)
	for end := len(r); ; {
		ls := strings.LastIndexByte(r[:end], '\n') + 1
		line := r[ls:end]
		switch l := strings.TrimSpace(line); {
		case isFraming(line) || l == "":
			cut = ls
		case logText(line) != l:
			rest := min(end+1, len(r))
			return joinMessage(true, logText(line), r[rest:max(rest, cut-1)])
		}
		if ls == 0 {
			return ""
		}
		end = ls - 1
	}
}

// joinMessage is a message's first line and its continuation lines, each
// trimmed, as a string of its own: only as much of it as capMessage can
// keep, and enough to tell that it was cut (a failure that logs a whole
// file is not copied whole to be cut to 1,000 bytes).
func joinMessage(found bool, first, rest string) string {
	if !found {
		return ""
	}
	const enough = maxMessageBytes + utf8.UTFMax
	var b strings.Builder
	b.Grow(min(len(first)+len(rest), enough))
	b.WriteString(first[:min(len(first), enough)])
	if rest != "" {
		for line := range strings.SplitSeq(rest, "\n") {
			if b.Len() >= enough {
				break
			}
			b.WriteByte('\n')
			l := strings.TrimSpace(line)
			b.WriteString(l[:min(len(l), max(enough-b.Len(), 0))])
		}
	}
	return b.String()
}

// view is b as a string, without a copy, for reading it: what is kept of
// it must be copied (b is often a buffer that is written again).
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Group is one top-level test and its subtests in one attempt.
type Group struct {
	Name string
	// Tests lists the top-level test first, then its subtests in the order
	// they started.
	Tests []*Test
	// Incremental is set when the group marked itself incremental (see the
	// incremental package).
	Incremental bool
	// Attempt is the number of the attempt this run of the group belongs to.
	Attempt int
	// Race is set when the race detector reported a data race in the
	// group's output: a bug, not a flake (see PlanOptions.RerunDataRaces).
	Race bool
	// spare holds tests allocated for the group and not used yet.
	spare []Test
}

// Top returns the top-level test.
func (g *Group) Top() *Test { return g.Tests[0] }

// subtestFailed reports whether a subtest of the group failed.
func (g *Group) subtestFailed() bool {
	for _, t := range g.Tests[1:] {
		if t.Status.Failed() && t.Status != Running {
			return true
		}
	}
	return false
}

// ReasonInSubtests reports whether the group's top-level test failed
// while every subtest passed: its reason is then in its subtests' output
// (go before 1.20 gave a parent's log lines after a subtest to that
// subtest), which the tracker keeps for it.
func (g *Group) ReasonInSubtests() bool {
	return g.Top().Status == Fail && len(g.Tests) > 1 && !g.subtestFailed()
}

// Wall is the group's wall-clock time: from its top-level test's start
// to the end of the last of its tests. A parent whose subtests call
// t.Parallel() ends, by its own Elapsed, long before they do (go-cmp's
// TestDiff: 0.04 s, its subtests up to 4.5 s); balancing shards and
// workers by that would be lopsided. A top-level test that is itself
// parallel counts the time it waited for its turn too. Without event
// times it is the top-level test's Elapsed.
func (g *Group) Wall() time.Duration {
	top := g.Top()
	if top.started == 0 {
		return top.Elapsed
	}
	var last int64
	for _, t := range g.Tests {
		last = max(last, t.ended)
	}
	return max(top.Elapsed, min(time.Duration(last-top.started), testjson.MaxElapsed))
}

// Status is the group's outcome: failed if the top-level test or any
// subtest failed or crashed, otherwise the top-level test's status.
func (g *Group) Status() Status {
	worst := g.Tests[0].Status
	for _, t := range g.Tests {
		switch t.Status {
		case Error:
			return Error
		case Fail, Running:
			worst = Fail
		}
	}
	return worst
}

// FailureMessage is t's failure message within this run of the group: a
// parent that failed only because a subtest did says which.
func (g *Group) FailureMessage(t *Test) string {
	msg := t.FailureMessage()
	if msg != "Failed" || t.Status != Fail {
		return msg
	}
	prefix := t.Name + "/"
	for _, sub := range g.Tests {
		if strings.HasPrefix(sub.Name, prefix) && sub.Status.Failed() {
			if sub.Status == Fail {
				return "subtest " + sub.Name + " failed"
			}
			return "subtest " + sub.Name + " did not finish"
		}
	}
	return msg
}

// PackageStatus is the outcome of a package in one attempt.
type PackageStatus int

// The package statuses.
const (
	PackagePass        PackageStatus = iota
	PackageFail                      // tests failed, or the binary failed after them
	PackageSkip                      // no test files
	PackageBuildFailed               // did not build or vet
	PackageIncomplete                // the stream ended before the package did
	PackageNotRun                    // never started (go test -failfast, go test died)
)

var packageStatusNames = [...]string{"pass", "fail", "skip", "build failed", "incomplete", "not run"}

func (s PackageStatus) String() string { return packageStatusNames[s] }

// Package is one package in one attempt.
type Package struct {
	gen        uint32 // counts compactions: see Tracker.test
	ImportPath string
	Attempt    int
	// Worker is the --workers process this part of the package ran in
	// (0: the whole package, or the parts joined by JoinAttempts).
	Worker  int
	Status  PackageStatus
	Elapsed time.Duration
	Groups  []*Group
	// Output is package-level output (lines not attributed to a test),
	// capped like test output.
	Output []byte
	// BuildOutput is the compiler or vet output of a build failure.
	BuildOutput string
	// Completed is set when the test binary reached its final PASS or FAIL
	// line; a package that failed without it crashed, and groups after the
	// crash may never have started.
	Completed bool
	// Panicked is set when the binary panicked after its final PASS or FAIL
	// line (TestMain's cleanup, a stray goroutine): a crash outside any test.
	Panicked bool
	// Interrupted is set when the run was interrupted while the package
	// ran: it ended early because it was stopped, not because it crashed.
	Interrupted bool
	Cached      bool
	NoTests     bool // "no test files" or "no tests to run"
	// Coverage is go test's "coverage: 80.0% of statements" of the
	// package, ShuffleSeed its "-test.shuffle N" line, when it printed them.
	Coverage, ShuffleSeed string
	// Compacted counts the groups (and their tests) that Compact dropped
	// because every test in them passed, and names them (with their test
	// counts) so that a later run of the same package in one stream is not
	// counted twice.
	Compacted struct {
		Groups, Tests int
		// names and sizes of the dropped groups, packed without pointers
		// (a million of them cost 20 MB and nothing to the collector)
		names []byte  // names, each followed by a NUL
		sizes []int32 // tests per group
		// spooled is where Compact moved names and sizes to: the names
		// (nameBytes of them), then the sizes, 4 bytes each.
		spooled   *spooled
		nameBytes int
	}

	// Written counts the leading groups of Groups that an output has
	// already written while the package ran (see DropPassedPrefix).
	Written int
	scan    int // CompletePrefix's progress

	groups map[string]*Group
	tests  map[string]*Test
	ended  time.Time // the package's end event
	// kept is where Compact moved Groups to (nil: they are in memory);
	// the tracker reads them back when it finishes (see restore).
	kept *spooledGroups
}

// CompletePrefix returns how many leading groups have ended: their
// top-level test has a result. It resumes where it stopped last time.
func (p *Package) CompletePrefix() int {
	p.scan = max(p.scan, p.Written)
	for p.scan < len(p.Groups) {
		switch p.Groups[p.scan].Top().Status {
		case NotRun, Running:
			return p.scan
		}
		p.scan++
	}
	return p.scan
}

// DropPassedPrefix drops, from the first k groups (which an output has
// just written), those in which every test passed, as Compact does, and
// keeps the others in order at the front, counted as Written. A recorded
// stream's huge package then holds its failures, not its million passes.
func (p *Package) DropPassedPrefix(k int) {
	j := p.Written // the groups before it were kept by earlier calls
	for _, g := range p.Groups[p.Written:k] {
		if g.allPassed() {
			p.compactGroup(g)
			continue
		}
		p.Groups[j] = g
		j++
	}
	n := copy(p.Groups[j:], p.Groups[k:])
	clear(p.Groups[j+n:])
	p.Groups = p.Groups[:j+n]
	p.scan = j + max(p.scan-k, 0)
	p.Written = j
}

func (g *Group) allPassed() bool {
	for _, t := range g.Tests {
		if t.Status != Pass {
			return false
		}
	}
	return true
}

// compactGroup forgets a group that passed, keeping its counts.
func (p *Package) compactGroup(g *Group) {
	p.unspoolCompacted()
	p.Compacted.Groups++
	p.Compacted.Tests += len(g.Tests)
	p.Compacted.names = append(append(p.Compacted.names, g.Name...), 0)
	p.Compacted.sizes = append(p.Compacted.sizes, int32(len(g.Tests)))
	delete(p.groups, g.Name)
	for _, t := range g.Tests {
		delete(p.tests, t.Name)
	}
	p.gen++ // the tracker's cache of tests is stale
}

// Seed is the seed the attempt shuffled its tests with (the N of
// ShuffleSeed's "-test.shuffle N"), or "" when it did not shuffle.
func (p *Package) Seed() string {
	return strings.TrimSpace(strings.TrimPrefix(p.ShuffleSeed, "-test.shuffle"))
}

// Ended is when the package's end event happened (zero when it did not
// end, or the stream has no times).
func (p *Package) Ended() time.Time { return p.ended }

// Group returns the group with the given top-level name, or nil.
func (p *Package) Group(name string) *Group {
	p.restore()          // spooled by Compact, and not yet read back by Tracker.Finish
	if p.groups == nil { // compacted: read only, as outputs may call it at once
		for _, g := range p.Groups {
			if g.Name == name {
				return g
			}
		}
	}
	return p.groups[name]
}

// Test returns the test with the given full name, or nil.
func (p *Package) Test(name string) *Test {
	if p.tests == nil { // compacted: see Group
		top, _, _ := strings.Cut(name, "/")
		if g := p.Group(top); g != nil {
			for _, t := range g.Tests {
				if t.Name == name {
					return t
				}
			}
		}
	}
	return p.tests[name]
}

// Crashed reports whether the test binary exited before finishing (and
// was not stopped by an interrupt: see Interrupted).
func (p *Package) Crashed() bool {
	return (p.Status == PackageFail || p.Status == PackageIncomplete) && !p.Completed && !p.Interrupted
}

// FailedWithoutTest reports whether the package failed although no group
// failed: TestMain exiting non-zero after m.Run, an init panic.
func (p *Package) FailedWithoutTest() bool {
	if p.Status != PackageFail && p.Status != PackageIncomplete {
		return false
	}
	for _, g := range p.Groups {
		if g.Status().Failed() {
			return false
		}
	}
	return true
}

// Attempt is the result of one round of go test processes.
type Attempt struct {
	Number   int
	Packages []*Package
	// Output holds lines that belong to no package: non-JSON lines of the
	// stream, and build output of packages that do not take part.
	Output []byte
	// ClampedElapsed counts events whose Elapsed was negative, not a
	// number or impossibly large, and was reported as 0 or MaxElapsed;
	// FirstClamped is the first such value.
	ClampedElapsed int
	FirstClamped   float64
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// isFraming reports whether a line is test2json framing that says nothing a
// reader of a failure needs (=== RUN, --- PASS and the like).
func isFraming(line string) bool {
	l := strings.TrimLeft(line, " ")
	if len(l) < 7 || (l[0] != '=' && l[0] != '-') {
		return false // most lines: no prefix to compare
	}
	return hasAnyPrefix(l, runFraming) || hasAnyPrefix(l, resultFraming)
}

// runFraming are test2json's "=== " lines; resultFraming its result lines.
var (
	runFraming    = []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME"}
	resultFraming = []string{"--- PASS", "--- FAIL", "--- SKIP", "--- BENCH"}
)

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// logText strips the indentation and file:line prefix testing adds to t.Log.
func logText(line string) string {
	l := strings.TrimSpace(line)
	if i := strings.Index(l, ": "); i > 0 {
		loc := l[:i]
		if c := strings.LastIndexByte(loc, ':'); c > 0 && strings.HasSuffix(loc[:c], ".go") {
			return l[i+2:]
		}
	}
	return l
}

func firstLogLine(out []byte) string {
	for line := range strings.SplitSeq(view(out), "\n") {
		if strings.TrimSpace(line) == "" || isFraming(line) {
			continue
		}
		return strings.Clone(logText(line))
	}
	return ""
}

func lastLogLine(out []byte) string {
	s := view(out)
	for len(s) > 0 {
		i := strings.LastIndexByte(s, '\n')
		line := s[i+1:]
		s = s[:max(i, 0)]
		if strings.TrimSpace(line) == "" || isFraming(line) {
			continue
		}
		return strings.Clone(logText(line))
	}
	return ""
}

func firstMatching(out []byte, prefix string) string {
	if !bytes.Contains(out, []byte(prefix)) {
		return ""
	}
	for line := range strings.SplitSeq(view(out), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), prefix) {
			return strings.Clone(strings.TrimSpace(line))
		}
	}
	return ""
}

// StripFraming removes test2json's "=== RUN", "=== PAUSE", "=== CONT" and
// "=== NAME" lines from test output; they say nothing a reader of a failure
// needs. Result lines ("--- FAIL") stay.
func StripFraming(out []byte) []byte {
	if !bytes.Contains(out, []byte("=== ")) {
		return out
	}
	return StripFramingInPlace(bytes.Clone(out))
}

// StripFramingInPlace is StripFraming in b's own bytes: for a buffer the
// caller owns (see Test.AppendOutput).
func StripFramingInPlace(b []byte) []byte {
	if !bytes.Contains(b, []byte("=== ")) {
		return b
	}
	kept := b[:0] // never ahead of the line read
	for line := range bytes.Lines(b) {
		if l := bytes.TrimLeft(line, " "); hasAnyPrefix(string(l[:min(len(l), 9)]), runFraming) {
			continue
		}
		kept = append(kept, line...)
	}
	return kept
}

// AddNotRun records top-level tests that exist in the package but never
// started in this attempt (found with go test -list after a crash), so they
// are reported as not run instead of silently missing. Names that started
// are ignored; names already waiting as not run get why as their reason.
func (p *Package) AddNotRun(names []string, why string) {
	p.index()
	for _, name := range names {
		if g := p.groups[name]; g != nil {
			if top := g.Top(); top.Status == NotRun && len(g.Tests) == 1 {
				top.out = []byte(why + "\n")
			}
			continue
		}
		g := &Group{Name: name, Attempt: p.Attempt, Tests: []*Test{{Name: name, Status: NotRun, out: []byte(why + "\n")}}}
		if p.groups == nil {
			p.groups = map[string]*Group{}
			p.tests = map[string]*Test{}
		}
		p.groups[name] = g
		p.tests[name] = g.Tests[0]
		p.Groups = append(p.Groups, g)
	}
}

// minSpooled is the shortest output (or list of names) Compact moves to a
// spool: shorter ones cost less in memory than their place in the spool.
const minSpooled = 128

// keep readies the output of a test kept in memory to the end of the run
// (there is no spool, or it failed): in a buffer of its size, as it grew
// by doubling.
func (t *Test) keep() {
	if n := len(t.out); n > 0 && cap(t.out)-n > max(n/8, 512) {
		t.out = bytes.Clone(t.out)
	}
}

// CompactedGroup is a group Compact dropped: every test in it passed.
type CompactedGroup struct {
	Name  string
	Tests int
}

// CompactedGroups calls yield for each group Compact or DropPassedPrefix
// dropped, in the order they were dropped.
func (p *Package) CompactedGroups(yield func(CompactedGroup) bool) {
	names, sizes := p.compactedLists()
	for _, n := range sizes {
		i := bytes.IndexByte(names, 0)
		if !yield(CompactedGroup{Name: string(names[:i]), Tests: int(n)}) {
			return
		}
		names = names[i+1:]
	}
}

// Compact drops the groups of a finished package in which every test
// passed, keeping only their counts, so that memory grows with failures
// and skips, not with the size of the run. Use it once the package's
// passing results have been written (a streamed JUnit report) and will not
// be rerun. The groups kept move to s, when it is not nil, until the
// tracker finishes (Tracker.Finish reads them back, their tests' outputs
// staying in s to be read by Test.Output: the end-of-run summary reads
// them once); Groups is empty until then.
func (p *Package) Compact(s *spool.File) {
	// The lookups by name go: an ended package is rarely looked up again
	// (a stream that runs it twice), and then index builds them anew.
	p.groups, p.tests = nil, nil
	p.restore() // compacted before: the groups kept then are kept again
	kept := p.Groups[:0]
	for _, g := range p.Groups {
		if !g.allPassed() {
			kept = append(kept, g)
			continue
		}
		p.compactGroup(g)
	}
	clear(p.Groups[len(kept):])
	p.Groups = slices.Clip(kept)
	p.Written, p.scan = 0, 0
	p.gen++ // the tracker's caches are stale
	p.spoolCompacted(s)
	if !p.spoolGroups(s) {
		for _, g := range p.Groups {
			for _, t := range g.Tests {
				t.keep()
			}
		}
	}
}

// spoolCompacted moves the names and sizes of the dropped groups to s:
// read back only by CompactedGroups (history, a package run twice).
func (p *Package) spoolCompacted(s *spool.File) {
	c := &p.Compacted
	if s == nil || c.spooled != nil || len(c.names) < minSpooled {
		return
	}
	sizes := make([]byte, 0, 4*len(c.sizes))
	for _, n := range c.sizes {
		sizes = binary.LittleEndian.AppendUint32(sizes, uint32(n))
	}
	r, err := s.Put(c.names, sizes)
	if err != nil {
		return // kept in memory
	}
	c.spooled, c.nameBytes = &spooled{s: s, r: r}, len(c.names)
	c.names, c.sizes = nil, nil
}

// compactedLists returns the names and sizes of the dropped groups, read
// back when Compact moved them to a spool (none if that fails: the counts
// stay right).
func (p *Package) compactedLists() ([]byte, []int32) {
	c := &p.Compacted
	if c.spooled == nil {
		return c.names, c.sizes
	}
	blob, err := c.spooled.s.Get(c.spooled.r)
	if err != nil || len(blob) < c.nameBytes {
		return nil, nil
	}
	sizes := make([]int32, 0, (len(blob)-c.nameBytes)/4)
	for b := blob[c.nameBytes:]; len(b) >= 4; b = b[4:] {
		sizes = append(sizes, int32(binary.LittleEndian.Uint32(b)))
	}
	return blob[:c.nameBytes], sizes
}

// unspoolCompacted moves the names and sizes back to memory, to add to
// them (the package runs again).
func (p *Package) unspoolCompacted() {
	if p.Compacted.spooled != nil {
		p.Compacted.names, p.Compacted.sizes = p.compactedLists()
		p.Compacted.spooled = nil
	}
}

// index builds the lookups by name that Compact dropped.
func (p *Package) index() {
	p.restore()
	if p.groups != nil {
		return
	}
	p.groups, p.tests = make(map[string]*Group, len(p.Groups)), map[string]*Test{}
	for _, g := range p.Groups {
		p.groups[g.Name] = g
		for _, t := range g.Tests {
			p.tests[t.Name] = t
		}
	}
}

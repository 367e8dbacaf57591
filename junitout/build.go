package junitout

import (
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/env/gomod"
	"github.com/gorerun/gorerun/internal/file/atomicfile"
)

// Options shape a report.
type Options struct {
	// ClassnameGroup puts "<import path>.<TopLevelTest>" in classname and the
	// rest of the test name in name, instead of the import path and the full
	// name.
	ClassnameGroup bool
	// OutputAll adds <system-out> to passing testcases too.
	OutputAll bool
	// MaxOutput caps each piece of captured output, keeping the end. Zero
	// means no cap.
	MaxOutput int
	// OnlyLast writes the final attempt only, with no flaky or rerun
	// elements.
	OnlyLast bool
	// ClassnameFormat and SuiteNameFormat write the package in classnames
	// and testsuite names "full" (the default), "relative" to ModulePath,
	// or "short" (its last element), as gotestsum's
	// --junitfile-testcase-classname and --junitfile-testsuite-name.
	ClassnameFormat, SuiteNameFormat string
	ModulePath                       string
	// ProjectName names the <testsuites> element.
	ProjectName string
	// HideEmptyPackages leaves out packages that ran no test; HideSkipped
	// leaves out skipped testcases.
	HideEmptyPackages, HideSkipped bool
	// Quarantined, if set, names the quarantined groups: a suite with any
	// gets the property gorerun.quarantined, their names space-separated
	// (the schemas allow no properties in a testcase).
	Quarantined func(pkg, group string) bool
	// Reproduce, if set, gives the command that runs a group again as its
	// failed attempt ran ("" for a group that never failed): a line
	// "reproduce: COMMAND" of its top-level testcase's system-out.
	Reproduce func(ph *grouping.PackageHistory, h *grouping.History) string
	// AttachmentsRelativeTo, if set, writes the [[ATTACHMENT|path]] lines
	// of test artifacts relative to this directory (GitLab reads them
	// relative to the project directory); otherwise they are absolute,
	// as Jenkins' JUnit Attachments plugin reads them.
	AttachmentsRelativeTo string

	GoVersion string
	Version   string // gorerun's
	Hostname  string
	Timestamp time.Time
}

// Build turns a report into JUnit testsuites. It does not change the report.
func Build(r *grouping.Report, opts Options) *Testsuites {
	out := &Testsuites{Name: sanitizeString(opts.ProjectName)}
	var total time.Duration
	for _, ph := range r.Packages() {
		if opts.omit(ph) {
			continue
		}
		s, d := buildSuite(ph, opts)
		total += d
		out.AddSuite(s)
	}
	out.Time = seconds(total)
	return out
}

func buildSuite(ph *grouping.PackageHistory, opts Options) (Testsuite, time.Duration) {
	var s Testsuite
	d := buildSuiteAfter(ph, opts, 0, &s, s.AddTestcase)
	return s, d
}

// buildSuiteAfter fills s with a package's suite attributes and hands add
// its testcases, without those of its first skip groups (written while the
// package ran).
func buildSuiteAfter(ph *grouping.PackageHistory, opts Options, skip int, out *Testsuite, addAll func(Testcase)) time.Duration {
	s := out
	s.Name = sanitizeString(opts.pkgName(ph.ImportPath, opts.SuiteNameFormat))
	add := func(tc Testcase) {
		if opts.keep(&tc) {
			addAll(tc)
		}
	}
	s.Properties = []Property{
		{Name: "go.version", Value: opts.GoVersion},
		{Name: "gorerun.version", Value: opts.Version},
		{Name: "timestamp", Value: opts.Timestamp.UTC().Format(time.RFC3339)},
		{Name: "hostname", Value: opts.Hostname},
	}
	if opts.Quarantined != nil {
		var names []string
		for _, h := range ph.Groups {
			if opts.Quarantined(ph.ImportPath, h.Name) {
				names = append(names, h.Name)
			}
		}
		if len(names) > 0 {
			s.Properties = append(s.Properties, Property{Name: "gorerun.quarantined", Value: sanitizeString(strings.Join(names, " "))})
		}
	}
	var elapsed time.Duration
	for _, p := range ph.Runs {
		elapsed += p.Elapsed
		// go test -shuffle: each attempt's order, to run it again
		if seed := p.Seed(); seed != "" && (!opts.OnlyLast || p == ph.Final()) {
			if name := ShuffleProperty(p.Attempt); !hasProperty(s.Properties, name) {
				s.Properties = append(s.Properties, Property{Name: name, Value: sanitizeString(seed)})
			}
		}
	}
	s.Time = seconds(elapsed)
	if first := ph.Final(); first.Status == grouping.PackageBuildFailed {
		add(Testcase{Name: "[build failed]", Classname: sanitizeString(opts.pkgName(ph.ImportPath, opts.ClassnameFormat)), Time: seconds(0),
			Error: &Result{Message: "build failed", Type: "build failed", Body: opts.capped([]byte(first.BuildOutput), 0)}})
		return elapsed
	}
	if final := ph.Final(); final.Status == grouping.PackageNotRun && len(ph.Groups) == 0 {
		add(Testcase{Name: "[not run]", Classname: sanitizeString(opts.pkgName(ph.ImportPath, opts.ClassnameFormat)), Time: seconds(0),
			Error: &Result{Message: sanitizeString(strings.TrimSpace(string(final.Output))), Type: "not run"}})
		return elapsed
	}
	for _, h := range ph.Groups[min(skip, len(ph.Groups)):] {
		reproduce := ""
		if opts.Reproduce != nil {
			reproduce = opts.Reproduce(ph, h)
		}
		for _, t := range h.FinalTests() {
			tc := opts.testcase(ph.ImportPath, h, t.Name)
			if reproduce != "" && t.IsTop() {
				tc.SystemOut = appendText(tc.SystemOut, "reproduce: "+sanitizeString(reproduce)+"\n")
			}
			add(tc)
		}
	}
	if tc, ok := opts.packageCase(ph); ok {
		add(tc)
	}
	return elapsed
}

// pkgName writes a package path in a name format: full, relative to the
// module, or short (the last element).
func (o Options) pkgName(pkg, format string) string {
	switch format {
	case "relative":
		return gomod.Relative(o.ModulePath, pkg)
	case "short":
		return path.Base(pkg)
	}
	return pkg
}

// keep reports whether a testcase belongs in the report (HideSkipped).
func (o Options) keep(tc *Testcase) bool {
	return !o.HideSkipped || tc.Skipped == nil
}

// omit reports whether a package is left out of the report: with
// HideEmptyPackages, one that ran no test and did not fail.
func (o Options) omit(ph *grouping.PackageHistory) bool {
	if !o.HideEmptyPackages || len(ph.Groups) > 0 {
		return false
	}
	for _, p := range ph.Runs {
		if p.Compacted.Groups > 0 || p.Status == grouping.PackageFail || p.Status == grouping.PackageBuildFailed ||
			p.Status == grouping.PackageNotRun || p.Status == grouping.PackageIncomplete {
			return false
		}
	}
	return true
}

func (o Options) names(pkg, name string) (classname, testname string) {
	pkg, name = sanitizeString(o.pkgName(pkg, o.ClassnameFormat)), sanitizeString(name)
	if !o.ClassnameGroup {
		return pkg, name
	}
	top, rest, ok := strings.Cut(name, "/")
	if !ok {
		rest = top
	}
	return pkg + "." + top, rest
}

func (o Options) testcase(pkg string, h *grouping.History, name string) Testcase {
	// runs of this test, in attempt order, and the failure messages of
	// those that failed
	var runsBuf [4]*grouping.Test
	var groupsBuf [4]*grouping.Group
	var messagesBuf [4]string
	runs, groups, messages := runsBuf[:0], groupsBuf[:0], messagesBuf[:0]
	for _, g := range h.Runs {
		for _, t := range g.Tests {
			if t.Name == name {
				runs, groups = append(runs, t), append(groups, g)
				msg := ""
				if t.Status.Failed() {
					msg = sanitizeString(g.FailureMessage(t))
				}
				messages = append(messages, msg)
			}
		}
	}
	final := runs[len(runs)-1]
	message := func(i int) string { return messages[i] }
	tc := Testcase{Time: seconds(final.Elapsed)}
	tc.Classname, tc.Name = o.names(pkg, name)
	switch final.Status {
	case grouping.Pass:
		if o.OutputAll && final.OutputLen() > 0 {
			tc.SystemOut = &Text{o.capped(final.Output(), final.Dropped)}
		}
	case grouping.Skip:
		tc.Skipped = &Skipped{Message: sanitizeString(final.SkipReason())}
		if o.OutputAll && final.OutputLen() > 0 {
			tc.SystemOut = &Text{o.capped(final.Output(), final.Dropped)}
		}
	case grouping.Fail:
		tc.Failure = &Result{Message: message(len(runs) - 1), Type: "failure", Body: o.failureBody(groups[len(runs)-1], final)}
	default:
		tc.Error = &Result{Message: message(len(runs) - 1), Type: typeOf(final), Body: o.body(final)}
	}
	if ev := o.evidence(final, tc.SystemOut); ev != "" {
		tc.SystemOut = appendText(tc.SystemOut, ev)
	}
	if o.OnlyLast {
		return tc
	}
	passed := !final.Status.Failed()
	for i, t := range runs[:len(runs)-1] {
		if !t.Status.Failed() {
			continue
		}
		a := Attempt{Message: message(i), Type: typeOf(t), StackTrace: Text{o.failureBody(groups[i], t)}}
		if t.OutputLen() > 0 {
			a.SystemOut = &Text{o.capped(t.Output(), t.Dropped)}
		}
		if ev := o.evidence(t, a.SystemOut); ev != "" {
			a.SystemOut = appendText(a.SystemOut, ev)
		}
		isErr := t.Status != grouping.Fail
		switch {
		case passed && isErr:
			tc.FlakyErrors = append(tc.FlakyErrors, a)
		case passed:
			tc.FlakyFailures = append(tc.FlakyFailures, a)
		case isErr:
			tc.RerunErrors = append(tc.RerunErrors, a)
		default:
			tc.RerunFailures = append(tc.RerunFailures, a)
		}
	}
	return tc
}

// evidence is what an attempt of a test left besides its output: its
// attributes as go test prints them ("=== ATTR  TestX key value"), and
// each file in its artifact directories as a [[ATTACHMENT|path]] line,
// the convention of Jenkins' JUnit Attachments plugin, GitLab and Azure
// DevOps. An attribute line the element's output already holds (go test
// printed it there) is not repeated.
func (o Options) evidence(t *grouping.Test, out *Text) string {
	if t.Evidence == nil {
		return ""
	}
	var b strings.Builder
	for _, a := range t.Evidence.Attrs {
		line := fmt.Sprintf("=== ATTR  %s %s %s\n", t.Name, a.Key, a.Value)
		if out == nil || !strings.Contains(out.Body, line) {
			b.WriteString(line)
		}
	}
	for _, f := range t.Evidence.Files() {
		if o.AttachmentsRelativeTo != "" {
			if rel, err := filepath.Rel(o.AttachmentsRelativeTo, f); err == nil {
				f = filepath.ToSlash(rel)
			}
		}
		fmt.Fprintf(&b, "[[ATTACHMENT|%s]]\n", f)
	}
	return sanitizeString(b.String())
}

// appendText adds s to an element's text, creating it.
func appendText(t *Text, s string) *Text {
	if t == nil {
		return &Text{s}
	}
	if t.Body != "" && !strings.HasSuffix(t.Body, "\n") {
		s = "\n" + s
	}
	return &Text{t.Body + s}
}

// ShuffleProperty names the suite property that holds the seed attempt
// shuffled its package's tests with (go test -shuffle), so that a report
// read back knows each attempt's order.
func ShuffleProperty(attempt int) string { return fmt.Sprintf("gorerun.shuffle.attempt%d", attempt) }

func typeOf(t *grouping.Test) string {
	switch t.Status {
	case grouping.Fail:
		return "failure"
	case grouping.NotRun:
		return "not run"
	case grouping.Interrupted:
		return "interrupted"
	}
	return "crash"
}

// packageCase reports a package that failed without a failing test
// (TestMain exiting non-zero, an init panic, a crash outside any test) as a
// testcase named TestMain, as gotestsum does.
func (o Options) packageCase(ph *grouping.PackageHistory) (Testcase, bool) {
	failedAt := func(p *grouping.Package) bool {
		return p.FailedWithoutTest() || (p.Status == grouping.PackageIncomplete && len(p.Groups) == 0)
	}
	any := false
	for _, p := range ph.Runs {
		any = any || failedAt(p)
	}
	if !any {
		return Testcase{}, false
	}
	final := ph.Final()
	tc := Testcase{Time: seconds(0)}
	tc.Classname, tc.Name = o.names(ph.ImportPath, "TestMain")
	result := func(p *grouping.Package) (string, string) {
		if p.Interrupted {
			return "interrupted before it finished", "interrupted"
		}
		if p.Crashed() {
			return "test binary exited before it finished", "crash"
		}
		if p.Panicked {
			return "test binary panicked after its tests", "crash"
		}
		return "package failed without a failing test", "failure"
	}
	if failedAt(final) {
		msg, typ := result(final)
		r := &Result{Message: msg, Type: typ, Body: o.capped(final.Output, 0)}
		if typ != "failure" {
			tc.Error = r
		} else {
			tc.Failure = r
		}
	}
	if o.OnlyLast {
		return tc, true
	}
	passed := !failedAt(final)
	for _, p := range ph.Runs[:len(ph.Runs)-1] {
		if !failedAt(p) {
			continue
		}
		msg, typ := result(p)
		a := Attempt{Message: msg, Type: typ, StackTrace: Text{o.capped(p.Output, 0)}}
		switch {
		case passed && typ == "crash":
			tc.FlakyErrors = append(tc.FlakyErrors, a)
		case passed:
			tc.FlakyFailures = append(tc.FlakyFailures, a)
		case typ == "crash":
			tc.RerunErrors = append(tc.RerunErrors, a)
		default:
			tc.RerunFailures = append(tc.RerunFailures, a)
		}
	}
	return tc, true
}

// failureBody is the failure text of test t of group g: its body, or,
// for a top-level test that failed while every subtest passed, its own
// output with its subtests' (which hold its reason in streams of go
// before 1.20), as gotestsum writes it.
func (o Options) failureBody(g *grouping.Group, t *grouping.Test) string {
	if !t.IsTop() || !g.ReasonInSubtests() {
		return o.body(t)
	}
	b, dropped := t.AppendOutput(nil), t.Dropped
	for _, sub := range g.Tests[1:] {
		b, dropped = sub.AppendOutput(b), dropped+sub.Dropped
	}
	return o.capped(grouping.StripFramingInPlace(b), dropped)
}

// body is the failure text of a test: its output without === framing.
func (o Options) body(t *grouping.Test) string {
	// One copy: framing is stripped in it, and it becomes the string.
	b := grouping.StripFramingInPlace(t.AppendOutput(nil))
	b, more := grouping.Trim(b, o.MaxOutput)
	if n := t.Dropped + more; n > 0 {
		return fmt.Sprintf("[... %d bytes truncated ...]\n", n) + sanitize(b)
	}
	if len(b) > 0 && xmlClean(b) {
		return unsafe.String(&b[0], len(b)) // b is not written again
	}
	return sanitize(b)
}

func (o Options) capped(out []byte, dropped int) string {
	out, more := grouping.Trim(out, o.MaxOutput)
	if n := dropped + more; n > 0 {
		return fmt.Sprintf("[... %d bytes truncated ...]\n", n) + sanitize(out)
	}
	return sanitize(out)
}

// sanitize makes text safe for XML, visibly: a character XML does not
// allow (NUL, most control characters) becomes its code point as text
// ("U+0000"), a byte that is not UTF-8 becomes "\xff", so that names that
// differ only in such characters stay distinct.
func sanitize(b []byte) string {
	if xmlClean(b) {
		return string(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&sb, `\x%02x`, b[i])
		case !xmlChar(r):
			fmt.Fprintf(&sb, "U+%04X", r)
		default:
			sb.WriteRune(r)
		}
		i += n
	}
	return sb.String()
}

// xmlClean reports whether b is UTF-8 of XML characters only. Printable
// ASCII, the bulk of test output, is checked a byte at a time without
// decoding.
func xmlClean(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c >= 0x20 && c < utf8.RuneSelf || c == '\n' || c == '\t' || c == '\r' {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if (r == utf8.RuneError && n == 1) || !xmlChar(r) {
			return false
		}
		i += n
	}
	return true
}

// sanitizeString is sanitize for names and messages.
func sanitizeString(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return sanitize([]byte(s)) // only then look closer
		}
	}
	return s
}

// xmlChar reports whether r is in XML 1.0's Char production.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

func seconds(d time.Duration) string {
	if d >= 0 && d < time.Duration(len(hundredths))*10*time.Millisecond && d%(10*time.Millisecond) == 0 {
		return hundredths[d/(10*time.Millisecond)] // test2json's two decimals
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) // as fmt's %.3f
}

// hundredths holds seconds(n * 10ms) for the times most tests take, made
// once: a report of many tests formats the same few times.
var hundredths = func() (t [1000]string) {
	for i := range t {
		t[i] = strconv.FormatFloat((time.Duration(i) * 10 * time.Millisecond).Seconds(), 'f', 3, 64)
	}
	return t
}()

// Encode writes the report as indented XML with a declaration.
func Encode(w io.Writer, ts *Testsuites) error {
	if _, err := io.WriteString(w, xml.Header+rootOpen(ts)); err != nil {
		return err
	}
	for i := range ts.Suites {
		if err := encodeSuite(w, &ts.Suites[i]); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "</testsuites>\n")
	return err
}

func rootOpen(ts *Testsuites) string {
	name := ""
	if ts.Name != "" {
		name = ` name="` + escapeAttr(ts.Name) + `"`
	}
	return fmt.Sprintf("<testsuites%s tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%s\">\n", name, ts.Tests, ts.Failures, ts.Errors, ts.Time)
}

// encodeSuiteReflect is encodeSuite through encoding/xml: the reference
// the hand-written encoder is tested against.
func encodeSuiteReflect(w io.Writer, s *Testsuite) error {
	enc := xml.NewEncoder(w)
	enc.Indent("\t", "\t")
	err := enc.Encode(struct {
		XMLName xml.Name `xml:"testsuite"`
		*Testsuite
	}{Testsuite: s})
	if err == nil {
		_, err = io.WriteString(w, "\n")
	}
	if err != nil {
		return fmt.Errorf("encoding JUnit XML: %w", err)
	}
	return nil
}

// WriteFile writes the report to path atomically: the file at path is
// either the previous one or the complete new report.
func WriteFile(path string, ts *Testsuites) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := Encode(f, ts); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}

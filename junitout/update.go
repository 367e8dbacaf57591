package junitout

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// UpdateOptions shape an update of an existing report.
type UpdateOptions struct {
	// OnlyLast drops earlier attempts: a testcase that failed before and
	// passed now simply passes.
	OnlyLast bool
	// Indent is the indentation unit of rendered elements.
	Indent string
}

// Totals are the counts of a report.
type Totals struct {
	Tests, Failures, Errors, Skipped int
}

// ErrInvalidReport marks an existing report that cannot be updated.
var ErrInvalidReport = errors.New("not a valid JUnit report")

// MaxDepth is how deeply elements of a report read by Update or ReadSuites
// may nest; a JUnit report needs 5 levels.
const MaxDepth = 64

func textOutsideRoot() error {
	return fmt.Errorf("%w: text outside the root element", ErrInvalidReport)
}

func tooDeep() error {
	return fmt.Errorf("%w: elements nested deeper than %d levels", ErrInvalidReport, MaxDepth)
}

// Update merges the testcases of run into the existing report old (from
// gorerun, gotestsum or go-junit-report) and returns the new report and its
// totals.
//
// A testcase of run replaces the testcase with the same classname and name;
// if the old one failed, its failure is kept as a <flakyFailure> (the new one
// passed) or <rerunFailure> (it failed again), unless OnlyLast. Testcases run
// lacks stay as they were, byte for byte, unless they must change to be
// schema-valid (a time with more than 3 decimals, a failure without a type)
// or they are repeated attempts of one test (gotestsum writes one testcase
// per attempt), which collapse into the last. Testcases old lacks are added
// to their package's testsuite, created if needed. Every count is
// recomputed.
func Update(old []byte, run *Testsuites, opts UpdateOptions) ([]byte, Totals, error) {
	doc, err := ParseReport(old)
	if err != nil {
		return nil, Totals{}, err
	}
	var b bytes.Buffer
	b.Grow(len(old) + len(old)/8)
	totals, err := doc.WriteUpdate(&b, run, opts)
	if err != nil {
		return nil, Totals{}, err
	}
	return b.Bytes(), totals, nil
}

// OldReport is an existing report read for Update: parsed once, when it is
// checked before anything runs, and merged into when the run is over.
type OldReport struct{ r *report }

// ParseReport reads an existing report (see Update) or says why it cannot
// be updated. The report keeps old, which must not change.
func ParseReport(old []byte) (*OldReport, error) {
	r, err := parseReport(old)
	if err != nil {
		return nil, err
	}
	return &OldReport{r}, nil
}

// WriteUpdate writes the report merged with run to w, as Update returns
// it, without holding it in memory.
func (o *OldReport) WriteUpdate(w io.Writer, run *Testsuites, opts UpdateOptions) (Totals, error) {
	if opts.Indent == "" {
		opts.Indent = "\t"
	}
	return o.r.update(w, run, opts)
}

// span is a byte range [start, end) of the old report.
type span struct{ start, end int }

type oldCase struct {
	el        span
	classname string
	name      string
	state     State
	clean     bool       // valid for the Surefire schema as it is
	children  []oldChild // its elements, unless nested is set
	nested    bool       // an element holds elements: decode it in full
}

// oldChild is an element in an old testcase: what an earlier attempt
// needs of it, read while parsing, so that it is not decoded again.
type oldChild struct {
	name, message, typ string
	content            span // between its tags
}

type oldSuite struct {
	startTag    span
	attrs       []xml.Attr
	name        string
	closeTag    span // </testsuite>; empty for <testsuite/>
	selfClosing bool
	props       span // <properties> element, if any
	propsClose  int  // offset of </properties>, or -1
	propsDepth  int
	propList    []Property // its <property name value> children
	propsDirty  bool       // it has other content, which the schema refuses
	inProps     bool
	depth       int    // of the <testsuite> element
	junk        []span // children the schema does not allow there: dropped
	junkDepth   int    // depth of the junk element open now, or 0
	junkStart   int

	cases  []*oldCase
	indent string
}

type report struct {
	data     []byte
	root     string // "testsuites" or "testsuite"
	rootTag  span
	rootAttr []xml.Attr
	rootEnd  span
	suites   []*oldSuite
	junk     []span // elements other than testsuite inside testsuites: dropped
	junkAt   int    // depth of the junk element open now, or 0
	junkFrom int
}

var timePattern = regexp.MustCompile(`^([0-9]{0,3},)*[0-9]*(\.[0-9]{0,3})?$`)

// parseReport reads an old report into the spans of its suites and
// testcases: what update edits.
func parseReport(data []byte) (*report, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	p := &reportParser{r: &report{data: data}}
	for {
		off := int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return nil, fmt.Errorf("%w: line %d: %v", ErrInvalidReport, line, err)
		}
		end := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.CharData:
			if p.depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return nil, textOutsideRoot()
			}
		case xml.StartElement:
			if err := p.start(t, off, end); err != nil {
				return nil, err
			}
		case xml.EndElement:
			p.end(t, off, end)
		}
	}
	if p.r.root == "" {
		return nil, fmt.Errorf("%w: no root element", ErrInvalidReport)
	}
	return p.r, nil
}

// reportParser is where parseReport is in the report.
type reportParser struct {
	r                *report
	suite            *oldSuite // the suite open now, or nil
	tc               *oldCase  // the testcase open now, or nil
	depth, caseDepth int
}

// start takes an element's start tag, at data[off:end].
func (p *reportParser) start(t xml.StartElement, off, end int) error {
	r := p.r
	p.depth++
	depth := p.depth
	if depth > MaxDepth {
		return tooDeep()
	}
	name := t.Name.Local
	suite, tc := p.suite, p.tc
	switch {
	case depth == 1:
		if name != "testsuites" && name != "testsuite" {
			return fmt.Errorf("%w: root element is <%s>, want <testsuites> or <testsuite>", ErrInvalidReport, name)
		}
		r.root, r.rootTag, r.rootAttr = name, span{off, end}, t.Attr
		if name == "testsuite" {
			p.suite = r.newSuite(t, off, end)
			p.suite.depth = depth
		}
	case r.junkAt > 0:
		// inside an element the schema does not allow: dropped whole
	case suite == nil && depth == 2 && r.root == "testsuites" && name != "testsuite":
		r.junkAt, r.junkFrom = depth, off
	case name == "testsuite" && suite == nil && depth == 2 && r.root == "testsuites":
		p.suite = r.newSuite(t, off, end)
		p.suite.depth = depth
	case suite != nil && suite.junkDepth > 0:
		// inside an element the schema does not allow: dropped whole
	case suite != nil && tc == nil && !suite.inProps && depth == suite.depth+1 &&
		!(name == "testcase" || (name == "properties" && suite.propsDepth == 0)):
		// Surefire's schema has no suite-level system-out or
		// system-err, and nothing else there either.
		suite.junkDepth, suite.junkStart = depth, off
	case name == "properties" && suite != nil && tc == nil && suite.propsDepth == 0:
		suite.props, suite.propsClose, suite.propsDepth = span{off, end}, -1, depth
		suite.inProps = true
	case suite != nil && tc == nil && suite.inProps && depth > suite.propsDepth:
		if depth == suite.propsDepth+1 && name == "property" && hasAttr(t.Attr, "name") && hasAttr(t.Attr, "value") {
			suite.propList = append(suite.propList, Property{Name: attr(t.Attr, "name"), Value: attr(t.Attr, "value")})
		} else {
			suite.propsDirty = true
		}
	case name == "testcase" && suite != nil && tc == nil:
		p.tc = &oldCase{el: span{start: off}, clean: true}
		p.tc.classname, p.tc.name = attr(t.Attr, "classname"), attr(t.Attr, "name")
		p.caseDepth = depth
		if !timePattern.MatchString(attr(t.Attr, "time")) || !hasAttr(t.Attr, "time") {
			p.tc.clean = false
		}
	case tc != nil && depth > p.caseDepth+1:
		tc.nested = true
		// Only an earlier attempt holds elements, and only these.
		child := tc.children[len(tc.children)-1].name // the element open at depth 1 inside it
		attempt := strings.HasPrefix(child, "rerun") || strings.HasPrefix(child, "flaky")
		if depth > p.caseDepth+2 || !attempt || (name != "stackTrace" && name != "system-out" && name != "system-err") {
			tc.clean = false // unknown content: rendered anew, without it
		}
	case tc != nil && depth == p.caseDepth+1:
		tc.child(t, end)
	}
	return nil
}

// child takes the start tag of an element right inside the testcase: its
// result, an earlier attempt, or its output. A testcase with anything
// else, or with a result that lacks a type, is not clean: it is rendered
// anew.
func (tc *oldCase) child(t xml.StartElement, end int) {
	name := t.Name.Local
	tc.children = append(tc.children, oldChild{name: name, message: attr(t.Attr, "message"),
		typ: attr(t.Attr, "type"), content: span{end, end}})
	switch name {
	case "failure", "error", "skipped", "rerunFailure", "rerunError", "flakyFailure", "flakyError", "system-out", "system-err":
	default:
		tc.clean = false
	}
	switch name {
	case "failure":
		tc.state = max(tc.state, Failed)
	case "error":
		tc.state = Errored
	case "skipped":
		if tc.state == Passed {
			tc.state = SkippedState
		}
		if hasAttr(t.Attr, "type") {
			tc.clean = false
		}
	}
	switch name {
	case "failure", "error", "rerunFailure", "rerunError", "flakyFailure", "flakyError":
		if !hasAttr(t.Attr, "type") {
			tc.clean = false
		}
	}
}

// end takes an element's end tag, at data[off:end].
func (p *reportParser) end(t xml.EndElement, off, end int) {
	r, suite, tc, depth := p.r, p.suite, p.tc, p.depth
	name := t.Name.Local
	switch {
	case r.junkAt > 0:
		if depth == r.junkAt {
			r.junk = append(r.junk, span{r.junkFrom, end})
			r.junkAt = 0
		}
	case suite != nil && suite.junkDepth > 0:
		if depth == suite.junkDepth {
			suite.junk = append(suite.junk, span{suite.junkStart, end})
			suite.junkDepth = 0
		}
	case tc != nil && depth == p.caseDepth+1 && !tc.nested:
		tc.children[len(tc.children)-1].content.end = off
	case tc != nil && depth == p.caseDepth:
		tc.el.end = end
		suite.cases = append(suite.cases, tc)
		p.tc = nil
	case name == "properties" && suite != nil && tc == nil && suite.inProps && depth == suite.propsDepth:
		suite.inProps = false
		if off == suite.props.end { // <properties/>
			suite.props.end = end
		} else {
			suite.propsClose = off
			suite.props.end = end
		}
	case name == "testsuite" && suite != nil && tc == nil && (depth == 2 || r.root == "testsuite"):
		suite.closeTag = span{off, end}
		suite.selfClosing = off == suite.startTag.end && bytes.HasSuffix(r.data[suite.startTag.start:suite.startTag.end], []byte("/>"))
		r.suites = append(r.suites, suite)
		p.suite = nil
	}
	if depth == 1 {
		r.rootEnd = span{off, end}
	}
	p.depth--
}

func (r *report) newSuite(t xml.StartElement, off, end int) *oldSuite {
	return &oldSuite{startTag: span{off, end}, attrs: t.Attr, name: attr(t.Attr, "name"),
		indent: indentBefore(r.data, off), propsClose: -1}
}

func indentBefore(data []byte, off int) string {
	i := off
	for i > 0 && (data[i-1] == ' ' || data[i-1] == '\t') {
		i--
	}
	if i == 0 || data[i-1] == '\n' {
		return string(data[i:off])
	}
	return ""
}

func attr(attrs []xml.Attr, name string) string {
	for _, a := range attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func hasAttr(attrs []xml.Attr, name string) bool {
	for _, a := range attrs {
		if a.Name.Local == name {
			return true
		}
	}
	return false
}

type edit struct {
	at   span
	text []byte
	// lazy makes the text when it is written, so that the rendered
	// testcases of a large report are not all held at once.
	lazy func() ([]byte, error)
}

type caseKey struct{ classname, name string }

// update writes the old report with the run's testcases merged in: as a
// list of edits of the old report's bytes, so that what gorerun does not
// change stays byte for byte as it was.
func (r *report) update(w io.Writer, run *Testsuites, opts UpdateOptions) (Totals, error) {
	u := &updater{r: r, opts: opts, fresh: map[caseKey]*Testcase{}, used: map[caseKey]bool{},
		suiteByName: map[string]*oldSuite{}, suiteCounts: map[*oldSuite]*Totals{}}
	u.indexRun(run)
	for _, j := range r.junk {
		u.edits = append(u.edits, edit{at: lineSpan(r.data, j)})
	}
	for _, s := range r.suites {
		if err := u.updateCases(s); err != nil {
			return Totals{}, err
		}
	}
	newSuites, additions := u.addedCases(run)
	var totals Totals
	for _, s := range r.suites {
		u.updateSuite(s, additions[s])
		totals.addAll(u.suiteCounts[s])
	}
	var suitesXML []byte
	for _, ns := range newSuites {
		totals.addAll(&Totals{Tests: ns.Tests, Failures: ns.Failures, Errors: ns.Errors, Skipped: ns.Skipped})
		b, err := xml.MarshalIndent(struct {
			XMLName xml.Name `xml:"testsuite"`
			*Testsuite
		}{Testsuite: ns}, opts.Indent, opts.Indent)
		if err != nil {
			return Totals{}, fmt.Errorf("rendering testsuite %s: %w", ns.Name, err)
		}
		suitesXML = append(append(suitesXML, b...), '\n')
	}
	if err := writeEdits(w, r.data, u.edits, r, totals, suitesXML); err != nil {
		return Totals{}, err
	}
	return totals, nil
}

// updater is the state of one update: the run's testcases by key, which
// of them the old report had, and the edits so far.
type updater struct {
	r           *report
	opts        UpdateOptions
	fresh       map[caseKey]*Testcase // the run's testcases
	used        map[caseKey]bool      // ... that replaced an old one
	edits       []edit
	suiteByName map[string]*oldSuite
	suiteCounts map[*oldSuite]*Totals
}

// indexRun indexes the run's testcases by key.
func (u *updater) indexRun(run *Testsuites) {
	for si := range run.Suites {
		s := &run.Suites[si]
		for ci := range s.Testcases {
			tc := &s.Testcases[ci]
			u.fresh[caseKey{tc.Classname, tc.Name}] = tc
		}
	}
}

// updateCases edits the testcases of an old suite: repeated attempts of a
// testcase collapse into its last, which takes the earlier ones as
// flaky or rerun elements; a testcase the run has again takes the run's
// result after the old attempts.
func (u *updater) updateCases(s *oldSuite) error {
	r := u.r
	for _, j := range s.junk {
		u.edits = append(u.edits, edit{at: lineSpan(r.data, j)})
	}
	u.suiteByName[s.name] = s
	counts := &Totals{}
	u.suiteCounts[s] = counts
	// Collapse repeated attempts: the last testcase of a key wins.
	last := make(map[caseKey]*oldCase, len(s.cases))
	repeated := map[caseKey][]*oldCase{} // repeated attempts, in order
	for _, c := range s.cases {
		k := caseKey{c.classname, c.name}
		if prev := last[k]; prev != nil {
			if repeated[k] == nil {
				repeated[k] = []*oldCase{prev}
			}
			repeated[k] = append(repeated[k], c)
		}
		last[k] = c
	}
	for _, c := range s.cases {
		k := caseKey{c.classname, c.name}
		if last[k] != c {
			u.edits = append(u.edits, edit{at: lineSpan(r.data, c.el)})
			continue
		}
		var earlier []*oldCase
		if same := repeated[k]; same != nil {
			earlier = same[:len(same)-1]
		}
		st, err := u.updateCase(c, earlier, u.fresh[k])
		if err != nil {
			return err
		}
		counts.add(st)
	}
	return nil
}

// updateCase edits one old testcase (the last of its key, after the
// earlier attempts) with the run's n, if any, and returns its final state.
func (u *updater) updateCase(c *oldCase, earlier []*oldCase, n *Testcase) (State, error) {
	r, opts := u.r, u.opts
	switch {
	case n != nil:
		u.used[caseKey{c.classname, c.name}] = true
		all := append(earlier, c)
		u.edits = append(u.edits, edit{at: c.el, lazy: func() ([]byte, error) {
			folded, err := r.foldAttempts(all, *n, opts)
			if err != nil {
				return nil, err
			}
			return render(folded, indentBefore(r.data, c.el.start), opts.Indent), nil
		}})
		return n.State(), nil // earlier attempts add no failure of their own
	case len(earlier) > 0 || !c.clean:
		prev, err := r.decodeCase(c)
		if err != nil {
			return 0, err
		}
		folded, err := r.foldAttempts(earlier, prev, opts)
		if err != nil {
			return 0, err
		}
		u.edits = append(u.edits, edit{at: c.el, text: render(folded, indentBefore(r.data, c.el.start), opts.Indent)})
		return folded.State(), nil
	default:
		return c.state, nil
	}
}

// addedCases sorts the run's testcases that the old report lacks: those of
// a suite it has (additions) and new suites.
func (u *updater) addedCases(run *Testsuites) (newSuites []*Testsuite, additions map[*oldSuite][]*Testcase) {
	newSuiteIndex := map[string]*Testsuite{}
	additions = map[*oldSuite][]*Testcase{}
	for si := range run.Suites {
		s := &run.Suites[si]
		for ci := range s.Testcases {
			tc := &s.Testcases[ci]
			if u.used[caseKey{tc.Classname, tc.Name}] {
				continue
			}
			if old := u.suiteByName[s.Name]; old != nil {
				additions[old] = append(additions[old], tc)
				u.suiteCounts[old].add(tc.State())
				continue
			}
			ns := newSuiteIndex[s.Name]
			if ns == nil {
				ns = &Testsuite{Name: s.Name, Time: s.Time, Properties: s.Properties}
				newSuiteIndex[s.Name] = ns
				newSuites = append(newSuites, ns)
			}
			ns.AddTestcase(*tc)
		}
	}
	return newSuites, additions
}

// updateSuite edits an old suite's start tag (its counts), its properties
// (attributes the schemas do not allow move there) and adds the testcases
// it lacked.
func (u *updater) updateSuite(s *oldSuite, added []*Testcase) {
	r, opts := u.r, u.opts
	var moved []xml.Attr
	tag := suiteTag(s.attrs, *u.suiteCounts[s], &moved)
	props := u.suiteProperties(s, moved)
	var adds []byte
	for _, tc := range added {
		adds = append(adds, s.indent+opts.Indent...)
		adds = append(adds, render(*tc, s.indent+opts.Indent, opts.Indent)...)
		adds = append(adds, '\n')
	}
	if s.selfClosing {
		text := append([]byte(tag+"\n"), propsBlock(props, s.indent+opts.Indent)...)
		text = append(text, adds...)
		text = append(text, s.indent+"</testsuite>"...)
		u.edits = append(u.edits, edit{at: s.startTag, text: text})
		return
	}
	text := []byte(tag)
	if len(props) > 0 && s.props.end == 0 {
		text = append(append(text, '\n'), propsBlock(props, s.indent+opts.Indent)...)
		text = bytes.TrimRight(text, "\n")
	}
	u.edits = append(u.edits, edit{at: s.startTag, text: text})
	if len(props) > 0 && s.props.end != 0 {
		if s.propsClose >= 0 {
			at := s.propsClose - len(indentBefore(r.data, s.propsClose))
			u.edits = append(u.edits, edit{at: span{at, at}, text: props})
		} else {
			u.edits = append(u.edits, edit{at: s.props, text: bytes.TrimRight(propsBlock(props, s.indent+opts.Indent), "\n")})
		}
	}
	if len(adds) > 0 {
		at := s.closeTag.start - len(indentBefore(r.data, s.closeTag.start))
		u.edits = append(u.edits, edit{at: span{at, at}, text: adds})
	}
}

// suiteProperties returns the <property> elements to add to a suite for
// the attributes moved off its tag (a property is never repeated). When
// the suite's <properties> hold anything else, they are rendered anew
// with an edit, and nothing is left to add.
func (u *updater) suiteProperties(s *oldSuite, moved []xml.Attr) []byte {
	indent := u.opts.Indent
	have := map[string]bool{}
	for _, p := range s.propList {
		have[p.Name] = true
	}
	var props []byte
	addProp := func(name, value string) {
		if have[name] {
			return
		}
		have[name] = true
		props = append(props, s.indent+indent+indent...)
		props = append(props, `<property name="`...)
		props = append(props, escapeAttr(name)...)
		props = append(props, `" value="`...)
		props = append(props, escapeAttr(value)...)
		props = append(props, "\"></property>\n"...)
	}
	for _, a := range moved {
		addProp(a.Name.Local, a.Value)
	}
	if !s.propsDirty {
		return props
	}
	// Only <property> elements are valid there: render them anew, then
	// the moved attributes.
	added := props
	props, have = nil, map[string]bool{}
	for _, p := range s.propList {
		addProp(p.Name, p.Value)
	}
	props = append(props, added...)
	block := bytes.TrimRight(propsBlock(props, s.indent+indent), "\n")
	u.edits = append(u.edits, edit{at: s.props, text: bytes.TrimLeft(block, " \t")})
	return nil
}

func propsBlock(props []byte, indent string) []byte {
	var b []byte
	b = append(b, indent+"<properties>\n"...)
	b = append(b, props...)
	b = append(b, indent+"</properties>\n"...)
	return b
}

// addAll adds the counts of c.
func (t *Totals) addAll(c *Totals) {
	t.Tests += c.Tests
	t.Failures += c.Failures
	t.Errors += c.Errors
	t.Skipped += c.Skipped
}

// add counts a testcase in state s.
func (t *Totals) add(s State) {
	t.Tests++
	switch s {
	case Failed:
		t.Failures++
	case Errored:
		t.Errors++
	case SkippedState:
		t.Skipped++
	}
}

// lineSpan widens an element's span to its whole line when it stands alone
// on it, so that removing it leaves no blank line.
func lineSpan(data []byte, s span) span {
	start := s.start - len(indentBefore(data, s.start))
	end := s.end
	if end < len(data) && data[end] == '\n' && (start == 0 || data[start-1] == '\n') {
		end++
	}
	return span{start, end}
}

// Surefire's testsuite allows these attributes only; others move into
// <properties>.
var suiteAttrs = map[string]bool{"name": true, "time": true, "tests": true, "errors": true, "skipped": true, "failures": true, "group": true, "version": true}

func suiteTag(attrs []xml.Attr, c Totals, moved *[]xml.Attr) string {
	var b strings.Builder
	b.WriteString("<testsuite")
	b.WriteString(` name="` + escapeAttr(attr(attrs, "name")) + `"`)
	fmt.Fprintf(&b, ` tests="%d" failures="%d" errors="%d" skipped="%d"`, c.Tests, c.Failures, c.Errors, c.Skipped)
	if t := attr(attrs, "time"); t != "" {
		b.WriteString(` time="` + escapeAttr(normalizeTime(t)) + `"`)
	}
	for _, a := range attrs {
		switch {
		case a.Name.Local == "group" || a.Name.Local == "version":
			b.WriteString(" " + a.Name.Local + `="` + escapeAttr(a.Value) + `"`)
		case !suiteAttrs[a.Name.Local] && a.Name.Space == "":
			*moved = append(*moved, a)
		}
	}
	b.WriteString(">")
	return b.String()
}

var rootAttrs = map[string]bool{"name": true, "time": true}

func rootTag(attrs []xml.Attr, t Totals) string {
	var b strings.Builder
	b.WriteString("<testsuites")
	for _, a := range attrs {
		if rootAttrs[a.Name.Local] && a.Name.Space == "" {
			b.WriteString(" " + a.Name.Local + `="` + escapeAttr(a.Value) + `"`)
		}
	}
	fmt.Fprintf(&b, ` tests="%d" failures="%d" errors="%d">`, t.Tests, t.Failures, t.Errors)
	return b.String()
}

func normalizeTime(t string) string {
	if timePattern.MatchString(t) {
		return t
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(t, ",", ""), 64)
	if err != nil || f < 0 {
		return "0.000"
	}
	return strconv.FormatFloat(f, 'f', 3, 64)
}

func escapeAttr(s string) string { return string(appendEscaped(nil, s)) }

// writeEdits writes data with the edits applied to w.
func writeEdits(w io.Writer, data []byte, edits []edit, r *report, totals Totals, newSuites []byte) error {
	wrap := r.root == "testsuite" && len(newSuites) > 0
	if r.root == "testsuites" {
		edits = append(edits, edit{at: r.rootTag, text: []byte(rootTag(r.rootAttr, totals))})
		if len(newSuites) > 0 {
			at := r.rootEnd.start - len(indentBefore(data, r.rootEnd.start))
			if bytes.HasSuffix(data[r.rootTag.start:r.rootTag.end], []byte("/>")) { // <testsuites/>
				edits[len(edits)-1].text = append(append([]byte(rootTag(r.rootAttr, totals)+"\n"), newSuites...), "</testsuites>"...)
			} else {
				edits = append(edits, edit{at: span{at, at}, text: newSuites})
			}
		}
	}
	if wrap {
		// Wrap a single-suite report so that new packages have a place:
		// a root before the suite (first of the edits there), the new
		// suites after it.
		root := r.rootTag.start - len(indentBefore(data, r.rootTag.start))
		edits = append([]edit{{at: span{root, root}, text: []byte(rootTag(nil, totals) + "\n")}}, edits...)
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].at.start < edits[j].at.start })
	bw := bufio.NewWriterSize(w, 256<<10)
	tw := &heldNewlines{w: bw}
	pos := 0
	for _, e := range edits {
		if e.at.start < pos {
			continue // overlapping edits cannot happen with well-formed input
		}
		text := e.text
		if e.lazy != nil {
			var err error
			if text, err = e.lazy(); err != nil {
				return err
			}
		}
		tw.Write(data[pos:e.at.start])
		tw.Write(text)
		pos = e.at.end
	}
	tw.Write(data[pos:])
	if wrap {
		tw.held = 1 // the body's trailing newlines become one
		tw.Write(newSuites)
		tw.Write([]byte("</testsuites>\n"))
	}
	tw.flushHeld()
	if tw.err != nil {
		return tw.err
	}
	return bw.Flush()
}

// heldNewlines writes through, holding back newlines at the end of what it
// was given until more text follows.
type heldNewlines struct {
	w    *bufio.Writer
	held int
	err  error
}

func (h *heldNewlines) Write(p []byte) {
	text := bytes.TrimRight(p, "\n")
	if len(text) > 0 {
		h.flushHeld()
		if _, err := h.w.Write(text); err != nil && h.err == nil {
			h.err = err
		}
	}
	h.held += len(p) - len(text)
}

func (h *heldNewlines) flushHeld() {
	for ; h.held > 0; h.held-- {
		if err := h.w.WriteByte('\n'); err != nil && h.err == nil {
			h.err = err
		}
	}
}

// decodeCase reads an old testcase into the model.
func (r *report) decodeCase(c *oldCase) (Testcase, error) {
	var tc Testcase
	if err := xml.Unmarshal(r.data[c.el.start:c.el.end], &tc); err != nil {
		return Testcase{}, fmt.Errorf("%w: testcase %s: %v", ErrInvalidReport, c.name, err)
	}
	tc.Time = normalizeTime(tc.Time)
	for _, a := range []*Result{tc.Failure, tc.Error} {
		if a != nil && a.Type == "" {
			a.Type = "failure"
		}
	}
	return tc, nil
}

// foldAttempts makes the final testcase from earlier attempts (old testcases,
// oldest first) and the final one.
func (r *report) foldAttempts(earlier []*oldCase, final Testcase, opts UpdateOptions) (Testcase, error) {
	if opts.OnlyLast {
		return final, nil
	}
	var failures, errs []Attempt
	for _, e := range earlier {
		f, x, ok := r.oldAttempts(e)
		if !ok {
			prev, err := r.decodeCase(e)
			if err != nil {
				return Testcase{}, err
			}
			f, x = attempts(prev)
		}
		failures, errs = append(failures, f...), append(errs, x...)
	}
	if final.Failure != nil || final.Error != nil {
		final.RerunFailures = append(failures, final.RerunFailures...)
		final.RerunErrors = append(errs, final.RerunErrors...)
	} else {
		final.FlakyFailures = append(failures, final.FlakyFailures...)
		final.FlakyErrors = append(errs, final.FlakyErrors...)
	}
	return final, nil
}

// oldAttempts is attempts(decodeCase(c)) for the common testcase whose
// elements hold text only, read from what parsing recorded; ok is false
// for any other, which is decoded in full.
func (r *report) oldAttempts(c *oldCase) (failures, errs []Attempt, ok bool) {
	if c.nested || !c.clean {
		return nil, nil, false
	}
	var tc Testcase
	seen := map[string]bool{}
	for _, ch := range c.children {
		if seen[ch.name] {
			return nil, nil, false
		}
		seen[ch.name] = true
		body, ok := plainContent(r.data[ch.content.start:ch.content.end])
		if !ok {
			return nil, nil, false
		}
		switch ch.name {
		case "failure":
			tc.Failure = &Result{Message: ch.message, Type: typeOr(ch.typ, "failure"), Body: body}
		case "error":
			tc.Error = &Result{Message: ch.message, Type: typeOr(ch.typ, "failure"), Body: body}
		case "system-out":
			tc.SystemOut = &Text{body}
		case "skipped", "system-err":
		default: // an attempt element: decoded in full
			return nil, nil, false
		}
	}
	failures, errs = attempts(tc)
	return failures, errs, true
}

// plainContent returns the character data of an element's content when
// it needs no XML decoding to get: one CDATA section, or text without
// references and markup, without carriage returns (which XML turns into
// newlines) either way.
func plainContent(b []byte) (string, bool) {
	if bytes.IndexByte(b, '\r') >= 0 {
		return "", false
	}
	if inner, ok := bytes.CutPrefix(b, []byte("<![CDATA[")); ok {
		if i := bytes.Index(inner, []byte("]]>")); i >= 0 && i == len(inner)-3 {
			return string(inner[:i]), true
		}
		return "", false
	}
	if bytes.IndexByte(b, '<') >= 0 || bytes.IndexByte(b, '&') >= 0 {
		return "", false
	}
	return string(b), true
}

// attempts lists the failed attempts a testcase records, oldest first:
// its earlier attempts, then its own failure or error.
func attempts(tc Testcase) (failures, errs []Attempt) {
	failures = append(append(failures, tc.FlakyFailures...), tc.RerunFailures...)
	errs = append(append(errs, tc.FlakyErrors...), tc.RerunErrors...)
	if tc.Failure != nil {
		failures = append(failures, Attempt{Message: tc.Failure.Message, Type: typeOr(tc.Failure.Type, "failure"),
			StackTrace: Text{tc.Failure.Body}, SystemOut: tc.SystemOut})
	}
	if tc.Error != nil {
		errs = append(errs, Attempt{Message: tc.Error.Message, Type: typeOr(tc.Error.Type, "error"),
			StackTrace: Text{tc.Error.Body}, SystemOut: tc.SystemOut})
	}
	return failures, errs
}

func typeOr(t, def string) string {
	if t == "" {
		return def
	}
	return t
}

// render writes a testcase as indented XML whose first line carries no
// indentation (it replaces an element in place).
func render(tc Testcase, indent, unit string) []byte {
	b, err := xml.MarshalIndent(struct {
		XMLName xml.Name `xml:"testcase"`
		Testcase
	}{Testcase: tc}, indent, unit)
	if err != nil {
		// Testcase holds strings only; marshaling cannot fail.
		panic(err)
	}
	return bytes.TrimPrefix(b, []byte(indent))
}

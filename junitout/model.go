package junitout

import "encoding/xml"

// Testsuites is the report's root element.
type Testsuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr,omitempty"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Suites   []Testsuite `xml:"testsuite"`
}

// Testsuite is one package.
type Testsuite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       string     `xml:"time,attr"`
	Properties []Property `xml:"properties>property,omitempty"`
	Testcases  []Testcase `xml:"testcase"`
}

// Property is a name/value pair of a testsuite.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Testcase is one test. Field order is the element order Surefire's schema
// requires.
type Testcase struct {
	Name          string    `xml:"name,attr"`
	Classname     string    `xml:"classname,attr"`
	Time          string    `xml:"time,attr"`
	Failure       *Result   `xml:"failure,omitempty"`
	RerunFailures []Attempt `xml:"rerunFailure,omitempty"`
	FlakyFailures []Attempt `xml:"flakyFailure,omitempty"`
	Skipped       *Skipped  `xml:"skipped,omitempty"`
	Error         *Result   `xml:"error,omitempty"`
	RerunErrors   []Attempt `xml:"rerunError,omitempty"`
	FlakyErrors   []Attempt `xml:"flakyError,omitempty"`
	SystemOut     *Text     `xml:"system-out,omitempty"`
	SystemErr     *Text     `xml:"system-err,omitempty"`
}

// Result is a <failure> or <error>.
type Result struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",cdata"`
}

// Skipped is a <skipped>.
type Skipped struct {
	Message string `xml:"message,attr"`
}

// Attempt is an earlier failed attempt: <flakyFailure>, <rerunFailure>,
// <flakyError> or <rerunError>.
type Attempt struct {
	Message    string `xml:"message,attr"`
	Type       string `xml:"type,attr"`
	StackTrace Text   `xml:"stackTrace"`
	SystemOut  *Text  `xml:"system-out,omitempty"`
}

// Text is character data in an element of its own.
type Text struct {
	Body string `xml:",cdata"`
}

// State is the final state of a testcase, for counting.
type State int

// The testcase states.
const (
	Passed State = iota
	Failed
	Errored
	SkippedState
)

// State tells how a testcase counts.
func (tc *Testcase) State() State {
	switch {
	case tc.Error != nil:
		return Errored
	case tc.Failure != nil:
		return Failed
	case tc.Skipped != nil:
		return SkippedState
	}
	return Passed
}

// AddTestcase appends a testcase and keeps the suite's counts, so totals
// cannot drift from the testcases.
func (s *Testsuite) AddTestcase(tc Testcase) {
	s.Testcases = append(s.Testcases, tc)
	s.count(&tc)
}

// count adds a testcase to the suite's counts without keeping it.
func (s *Testsuite) count(tc *Testcase) {
	s.Tests++
	switch tc.State() {
	case Failed:
		s.Failures++
	case Errored:
		s.Errors++
	case SkippedState:
		s.Skipped++
	}
}

// AddSuite appends a suite and adds its counts to the totals.
func (r *Testsuites) AddSuite(s Testsuite) {
	r.Suites = append(r.Suites, s)
	r.Tests += s.Tests
	r.Failures += s.Failures
	r.Errors += s.Errors
}

package junitout

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// encodeSuite writes one testsuite element, indented one level, and a
// newline: the bytes encoding/xml's Encoder (Indent "\t", "\t") writes for
// the model, without its reflection (a report of 180,000 testcases spent a
// fifth of its time there).
func encodeSuite(w io.Writer, s *Testsuite) error { return encodeSuitePrefixed(w, s, nil) }

// encodeSuitePrefixed is encodeSuite with testcases already encoded,
// which prefix writes, before s's own; s's counts include them.
func encodeSuitePrefixed(w io.Writer, s *Testsuite, prefix func(io.Writer) error) error {
	e := suiteEncoder{b: make([]byte, 0, min(256+len(s.Testcases)*128, 64<<10))}
	e.open("\t", "testsuite")
	e.attr("name", s.Name)
	e.attrInt("tests", s.Tests)
	e.attrInt("failures", s.Failures)
	e.attrInt("errors", s.Errors)
	e.attrInt("skipped", s.Skipped)
	e.attr("time", s.Time)
	e.b = append(e.b, '>')
	// encoding/xml writes <properties> even when there is no property.
	e.open("\n\t\t", "properties")
	e.b = append(e.b, '>')
	for _, p := range s.Properties {
		e.open("\n\t\t\t", "property")
		e.attr("name", p.Name)
		e.attr("value", p.Value)
		e.b = append(e.b, "></property>"...)
	}
	if len(s.Properties) > 0 {
		e.b = append(e.b, "\n\t\t"...)
	}
	e.b = append(e.b, "</properties>"...)
	if prefix != nil {
		if _, err := w.Write(e.b); err != nil {
			return err
		}
		if err := prefix(w); err != nil {
			return err
		}
		e.b = e.b[:0]
	}
	for i := range s.Testcases {
		e.testcase(&s.Testcases[i])
		if len(e.b) >= 32<<10 { // written as it goes: a suite may be large
			if _, err := w.Write(e.b); err != nil {
				return err
			}
			e.b = e.b[:0]
		}
	}
	e.b = append(e.b, "\n\t"...)
	e.b = append(e.b, "</testsuite>\n"...)
	_, err := w.Write(e.b)
	return err
}

type suiteEncoder struct{ b []byte }

func (e *suiteEncoder) open(indent, name string) {
	e.b = append(e.b, indent...)
	e.b = append(e.b, '<')
	e.b = append(e.b, name...)
}

func (e *suiteEncoder) attr(name, value string) {
	e.b = append(e.b, ' ')
	e.b = append(e.b, name...)
	e.b = append(e.b, `="`...)
	e.b = appendEscaped(e.b, value)
	e.b = append(e.b, '"')
}

func (e *suiteEncoder) attrInt(name string, v int) {
	e.b = append(e.b, ' ')
	e.b = append(e.b, name...)
	e.b = append(e.b, `="`...)
	e.b = strconv.AppendInt(e.b, int64(v), 10)
	e.b = append(e.b, '"')
}

// text writes an element holding only character data.
func (e *suiteEncoder) text(indent, name, body string) {
	e.open(indent, name)
	e.b = append(e.b, '>')
	e.b = appendCDATA(e.b, body)
	e.b = append(e.b, "</"...)
	e.b = append(e.b, name...)
	e.b = append(e.b, '>')
}

func (e *suiteEncoder) result(name string, r *Result) {
	e.open("\n\t\t\t", name)
	e.attr("message", r.Message)
	e.attr("type", r.Type)
	e.b = append(e.b, '>')
	e.b = appendCDATA(e.b, r.Body)
	e.b = append(e.b, "</"...)
	e.b = append(e.b, name...)
	e.b = append(e.b, '>')
}

func (e *suiteEncoder) attempts(name string, as []Attempt) {
	for i := range as {
		a := &as[i]
		e.open("\n\t\t\t", name)
		e.attr("message", a.Message)
		e.attr("type", a.Type)
		e.b = append(e.b, '>')
		e.text("\n\t\t\t\t", "stackTrace", a.StackTrace.Body)
		if a.SystemOut != nil {
			e.text("\n\t\t\t\t", "system-out", a.SystemOut.Body)
		}
		e.b = append(e.b, "\n\t\t\t</"...)
		e.b = append(e.b, name...)
		e.b = append(e.b, '>')
	}
}

func (e *suiteEncoder) testcase(tc *Testcase) {
	e.open("\n\t\t", "testcase")
	e.attr("name", tc.Name)
	e.attr("classname", tc.Classname)
	e.attr("time", tc.Time)
	e.b = append(e.b, '>')
	start := len(e.b)
	if tc.Failure != nil {
		e.result("failure", tc.Failure)
	}
	e.attempts("rerunFailure", tc.RerunFailures)
	e.attempts("flakyFailure", tc.FlakyFailures)
	if tc.Skipped != nil {
		e.open("\n\t\t\t", "skipped")
		e.attr("message", tc.Skipped.Message)
		e.b = append(e.b, "></skipped>"...)
	}
	if tc.Error != nil {
		e.result("error", tc.Error)
	}
	e.attempts("rerunError", tc.RerunErrors)
	e.attempts("flakyError", tc.FlakyErrors)
	if tc.SystemOut != nil {
		e.text("\n\t\t\t", "system-out", tc.SystemOut.Body)
	}
	if tc.SystemErr != nil {
		e.text("\n\t\t\t", "system-err", tc.SystemErr.Body)
	}
	if len(e.b) > start {
		e.b = append(e.b, "\n\t\t"...)
	}
	e.b = append(e.b, "</testcase>"...)
}

// appendEscaped appends s escaped as encoding/xml escapes attribute values.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\'' && c != '&' && c != '<' && c != '>' {
			i++
			continue
		}
		// What xml.EscapeText writes, byte for byte (see its escapeText).
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !xmlChar(r) || (r == utf8.RuneError && width == 1) {
				esc = "\uFFFD"
				break
			}
			i += width
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}

// appendCDATA appends s as encoding/xml writes a ",cdata" field: nothing
// for an empty string, and "]]>" inside split across two sections.
func appendCDATA(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, "<![CDATA["...)
	for {
		i := indexCDATAEnd(s)
		if i < 0 {
			break
		}
		b = append(b, s[:i]...)
		b = append(b, "]]]]><![CDATA[>"...)
		s = s[i+3:]
	}
	b = append(b, s...)
	return append(b, "]]>"...)
}

func indexCDATAEnd(s string) int { return strings.Index(s, "]]>") }

package junitout

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gorerun/gorerun/internal/file/inputfile"
)

// Duplicate is a testcase that more than one input report holds.
type Duplicate struct {
	Classname, Name string
	Files           []string
}

// Merge combines reports (from shards of one run) into one: testsuites of
// the same package are merged, testcases and their attempt elements kept,
// counts and totals recomputed. Testcases that appear in more than one
// report are kept and returned as duplicates, so the caller can report
// them: by construction of shards they should not exist.
func Merge(reports [][]byte, names []string) (*Testsuites, []Duplicate, error) {
	return merge(names, func(i int) ([]Testsuite, error) { return ReadSuites(reports[i]) })
}

// merge is Merge of the reports read reads, by index into names.
func merge(names []string, read func(i int) ([]Testsuite, error)) (*Testsuites, []Duplicate, error) {
	out := &Testsuites{}
	index := map[string]int{}
	var suites []*Testsuite
	first := map[caseKey]int{}      // the report a testcase is first in
	again := map[caseKey][]string{} // the reports of a testcase found more than once
	var times []float64
	for i := range names {
		parsed, err := read(i)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", names[i], err)
		}
		for _, s := range parsed {
			j, ok := index[s.Name]
			if !ok {
				j = len(suites)
				index[s.Name] = j
				suites = append(suites, &Testsuite{Name: s.Name})
				times = append(times, 0)
			}
			for _, p := range s.Properties {
				// One property of a name per suite: the first report's wins.
				if !hasProperty(suites[j].Properties, p.Name) {
					suites[j].Properties = append(suites[j].Properties, p)
				}
			}
			f, _ := strconv.ParseFloat(strings.ReplaceAll(s.Time, ",", ""), 64)
			times[j] += f
			if suites[j].Testcases == nil {
				// The suite's first testcases: kept where they were read
				// (a large report is not copied).
				suites[j].Testcases = s.Testcases[:0]
			}
			for ci := range s.Testcases {
				tc := s.Testcases[ci]
				k := caseKey{tc.Classname, tc.Name}
				if f, dup := first[k]; !dup {
					first[k] = i
				} else if again[k] == nil {
					again[k] = []string{names[f], names[i]}
				} else {
					again[k] = append(again[k], names[i])
				}
				tc.Time = normalizeTime(tc.Time)
				suites[j].AddTestcase(tc)
			}
		}
	}
	var total float64
	for j, s := range suites {
		s.Time = strconv.FormatFloat(times[j], 'f', 3, 64)
		total += times[j]
		out.AddSuite(*s)
	}
	out.Time = strconv.FormatFloat(total, 'f', 3, 64)
	var dups []Duplicate
	for _, s := range suites {
		for _, tc := range s.Testcases {
			k := caseKey{tc.Classname, tc.Name}
			if files := again[k]; files != nil {
				dups = append(dups, Duplicate{Classname: k.classname, Name: k.name, Files: files})
				delete(again, k)
			}
		}
	}
	return out, dups, nil
}

// ReadSuites reads the testsuites of a JUnit report (gorerun's, gotestsum's,
// go-junit-report's, Jenkins'), with a <testsuites> or a single <testsuite>
// root; nested testsuites are flattened. Suite attributes the model has no
// field for (timestamp, hostname, id from other tools) become properties,
// as Update does, so they are kept and the suite stays schema-valid.
func ReadSuites(b []byte) ([]Testsuite, error) { return readSuites(bytes.NewReader(b)) }

// readSuites is ReadSuites reading from r, in one pass: the tokens reach
// the decoder through a guard that refuses text outside the root and
// nesting deeper than MaxDepth before decoding recurses into it.
func readSuites(r io.Reader) ([]Testsuite, error) {
	type suite struct {
		Testsuite
		Extra  []xml.Attr `xml:",any,attr"`
		Nested []suite    `xml:"testsuite"`
	}
	var root struct {
		XMLName xml.Name
		suite
	}
	g := &guardedTokens{d: xml.NewDecoder(r)}
	if err := xml.NewTokenDecoder(g).Decode(&root); err != nil {
		if g.err != nil {
			return nil, g.err
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			// The decoder on top sees tokens, not lines: the line is the
			// tokenizer's.
			se.Line, _ = g.d.InputPos()
		}
		return nil, fmt.Errorf("%w: %v", ErrInvalidReport, err)
	}
	// What follows the root element is not decoded, but text there is
	// refused all the same.
	for {
		if _, err := g.Token(); err != nil {
			break
		}
	}
	if g.err != nil {
		return nil, g.err
	}
	var top []suite
	switch root.XMLName.Local {
	case "testsuites":
		top = root.Nested
	case "testsuite":
		top = []suite{root.suite}
	default:
		return nil, fmt.Errorf("%w: root element is <%s>, want <testsuites> or <testsuite>", ErrInvalidReport, root.XMLName.Local)
	}
	var out []Testsuite
	var flatten func([]suite)
	flatten = func(ss []suite) {
		for _, s := range ss {
			ts := s.Testsuite
			for _, a := range s.Extra {
				if !suiteAttrs[a.Name.Local] && a.Name.Space == "" && !hasProperty(ts.Properties, a.Name.Local) {
					ts.Properties = append(ts.Properties, Property{Name: a.Name.Local, Value: a.Value})
				}
			}
			out = append(out, ts)
			flatten(s.Nested)
		}
	}
	flatten(top)
	return out, nil
}

func hasProperty(props []Property, name string) bool {
	_, ok := propertyValue(props, name)
	return ok
}

// Property returns the value of the suite's property name, and whether it
// has one.
func (s *Testsuite) Property(name string) (string, bool) { return propertyValue(s.Properties, name) }

func propertyValue(props []Property, name string) (string, bool) {
	for _, q := range props {
		if q.Name == name {
			return q.Value, true
		}
	}
	return "", false
}

// checkStructure refuses documents whose elements nest deeper than
// MaxDepth or that have text outside the root element.
// guardedTokens hands a report's raw tokens to a decoder, refusing text
// outside the root element and elements nested deeper than MaxDepth.
type guardedTokens struct {
	d     *xml.Decoder
	depth int
	err   error // the refusal, once made
}

// Token implements xml.TokenReader.
func (g *guardedTokens) Token() (xml.Token, error) {
	tok, err := g.d.RawToken()
	if err != nil {
		return tok, err
	}
	switch t := tok.(type) {
	case xml.CharData:
		if g.depth == 0 && len(bytes.TrimSpace(t)) > 0 {
			g.err = textOutsideRoot()
		}
	case xml.StartElement:
		if g.depth++; g.depth > MaxDepth {
			g.err = tooDeep()
		}
	case xml.EndElement:
		g.depth--
	}
	if g.err != nil {
		return nil, g.err
	}
	return tok, nil
}

// MergeFiles reads the reports at paths (regular files of at most
// inputfile.MaxSize) and merges them (see Merge).
func MergeFiles(paths []string) (*Testsuites, []Duplicate, error) {
	for _, name := range paths { // every input checked before any is read
		if err := inputfile.CheckPath(name, inputfile.MaxSize); err != nil {
			return nil, nil, err
		}
	}
	// Each is read as it is decoded: its bytes are not held besides the
	// model.
	return merge(paths, func(i int) ([]Testsuite, error) {
		f, err := inputfile.Open(paths[i], inputfile.MaxSize)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readSuites(bufio.NewReaderSize(f, 256<<10))
	})
}

// IsReport tells a JUnit report from a go test -json stream, as every
// command that takes either does: by its first character after white
// space and a byte order mark.
func IsReport(b []byte) bool {
	trimmed := bytes.TrimLeft(b, " \t\r\n\ufeff")
	return len(trimmed) > 0 && trimmed[0] == '<'
}

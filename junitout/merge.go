package junitout

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/gorerun/gorerun/internal/inputfile"
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
	out := &Testsuites{}
	index := map[string]int{}
	var suites []*Testsuite
	seen := map[caseKey][]string{}
	var times []float64
	for i, b := range reports {
		parsed, err := ReadSuites(b)
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
			for _, tc := range s.Testcases {
				k := caseKey{tc.Classname, tc.Name}
				seen[k] = append(seen[k], names[i])
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
			if files := seen[k]; len(files) > 1 {
				dups = append(dups, Duplicate{Classname: k.classname, Name: k.name, Files: files})
				delete(seen, k)
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
func ReadSuites(b []byte) ([]Testsuite, error) {
	if err := checkStructure(b); err != nil {
		return nil, err
	}
	type suite struct {
		Testsuite
		Extra  []xml.Attr `xml:",any,attr"`
		Nested []suite    `xml:"testsuite"`
	}
	var root struct {
		XMLName xml.Name
		suite
	}
	if err := xml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidReport, err)
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
	for _, q := range props {
		if q.Name == name {
			return true
		}
	}
	return false
}

// checkStructure refuses documents whose elements nest deeper than
// MaxDepth or that have text outside the root element.
func checkStructure(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			return nil // EOF, or a syntax error Unmarshal reports
		}
		switch t := tok.(type) {
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return textOutsideRoot()
			}
		case xml.StartElement:
			if depth++; depth > MaxDepth {
				return tooDeep()
			}
		case xml.EndElement:
			depth--
		}
	}
}

// MergeFiles reads the reports at paths (regular files of at most
// inputfile.MaxSize) and merges them (see Merge).
func MergeFiles(paths []string) (*Testsuites, []Duplicate, error) {
	var reports [][]byte
	for _, name := range paths {
		b, err := inputfile.Read(name, inputfile.MaxSize)
		if err != nil {
			return nil, nil, err
		}
		reports = append(reports, b)
	}
	return Merge(reports, paths)
}

// IsReport tells a JUnit report from a go test -json stream, as every
// command that takes either does: by its first character after white
// space and a byte order mark.
func IsReport(b []byte) bool {
	trimmed := bytes.TrimLeft(b, " \t\r\n\ufeff")
	return len(trimmed) > 0 && trimmed[0] == '<'
}

package junitout

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gorerun/gorerun/grouping"
)

// FuzzUpdate updates any bytes as an existing report: no panic, and an
// update either fails (the caller then leaves the file untouched) or
// yields a report of the schema's shape with consistent totals; outside
// fuzzing (the seed corpus in go test) the real validator checks it too.
func FuzzUpdate(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		run := Build(reportFromString(t, rerunStream), goldenOptions())
		out, totals, err := Update(b, run, UpdateOptions{})
		if err != nil {
			return
		}
		if totals.Tests < totals.Failures+totals.Errors+totals.Skipped {
			t.Fatalf("totals do not add up: %+v", totals)
		}
		checkReport(t, out)
	})
}

// FuzzMerge merges any bytes as a report, with the same promise.
func FuzzMerge(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		merged, _, err := Merge([][]byte{b}, []string{"fuzz.xml"})
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Encode(&buf, merged); err != nil {
			t.Fatal(err)
		}
		checkReport(t, buf.Bytes())
	})
}

func addSeeds(f *testing.F) {
	for _, dir := range []string{filepath.Join("..", "testdata", "junit"), "testdata"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`<testsuite name="m/p" tests="1"><testcase name="TestOther" classname="example.com/e2e/other"/></testsuite>`))
	f.Add([]byte(`<testsuites><testsuite name="m/p" timestamp="t" hostname="h"><properties><property name="timestamp" value="x"/><x><y/></x></properties>` +
		`<testcase name="T\x01" classname="m/p" time="1.23456"><failure><b/></failure><unknown/></testcase></testsuite></testsuites>`))
}

// checkReport fails unless b has the shape Surefire's and Jenkins' schemas
// require; when not fuzzing it also runs the validator on it.
func checkReport(t *testing.T, b []byte) {
	t.Helper()
	if err := schemaShape(b); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if fz := flag.Lookup("test.fuzz"); fz != nil && fz.Value.String() != "" {
		return // fuzzing: the validator would take most of the time
	}
	path := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	validate(t, path)
}

// allowedChildren is the element structure of a JUnit report.
var allowedChildren = map[string]map[string]bool{
	"testsuites":   {"testsuite": true},
	"testsuite":    {"properties": true, "testcase": true}, // Surefire: no suite-level system-out
	"properties":   {"property": true},
	"property":     {},
	"testcase":     {"failure": true, "error": true, "skipped": true, "rerunFailure": true, "rerunError": true, "flakyFailure": true, "flakyError": true, "system-out": true, "system-err": true},
	"failure":      {},
	"error":        {},
	"skipped":      {},
	"system-out":   {},
	"system-err":   {},
	"stackTrace":   {},
	"rerunFailure": {"stackTrace": true, "system-out": true, "system-err": true},
	"rerunError":   {"stackTrace": true, "system-out": true, "system-err": true},
	"flakyFailure": {"stackTrace": true, "system-out": true, "system-err": true},
	"flakyError":   {"stackTrace": true, "system-out": true, "system-err": true},
}

func schemaShape(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if len(stack) == 0 {
				if name != "testsuites" && name != "testsuite" {
					return fmt.Errorf("root element <%s>", name)
				}
			} else if !allowedChildren[stack[len(stack)-1]][name] {
				return fmt.Errorf("<%s> inside <%s>", name, stack[len(stack)-1])
			}
			if name == "property" && (!hasAttr(t.Attr, "name") || !hasAttr(t.Attr, "value")) {
				return fmt.Errorf("<property> without name or value")
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

func reportFromString(t *testing.T, s string) *grouping.Report {
	return reportFrom(t, grouping.Options{}, s)
}

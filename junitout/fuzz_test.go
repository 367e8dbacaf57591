package junitout

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/gorerun/gorerun/grouping"
)

// FuzzUpdate updates any bytes as an existing report: no panic, and an
// update that succeeds yields well-formed XML with consistent totals.
func FuzzUpdate(f *testing.F) {
	for _, dir := range []string{filepath.Join("..", "testdata", "junit"), "testdata"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`<testsuite name="m/p" tests="1"><testcase name="TestOther" classname="example.com/e2e/other"/></testsuite>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		run := Build(reportFromString(t, rerunStream), goldenOptions())
		out, totals, err := Update(b, run, UpdateOptions{})
		if err != nil {
			return
		}
		var ts struct {
			XMLName xml.Name
		}
		if err := xml.Unmarshal(out, &ts); err != nil {
			t.Fatalf("updated report is not XML: %v\n%s", err, out)
		}
		if totals.Tests < totals.Failures+totals.Errors+totals.Skipped {
			t.Fatalf("totals do not add up: %+v", totals)
		}
	})
}

func reportFromString(t *testing.T, s string) *grouping.Report {
	return reportFrom(t, grouping.Options{}, s)
}

package junitout

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMerge(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	single := []byte(`<?xml version="1.0"?><testsuite name="m/p" tests="1" failures="0" errors="0" time="0.25" timestamp="2026-11-23T10:00:00" hostname="runner-7"><testcase name="TestExtra" classname="m/p" time="0.1"/></testsuite>`)
	reports := [][]byte{read("flaky.xml"), read("failing-every-attempt.xml"), single, read("build-failure.xml")}
	names := []string{"flaky.xml", "failing.xml", "single.xml", "build.xml"}
	merged, dups, err := Merge(reports, names)
	if err != nil {
		t.Fatal(err)
	}
	if len(dups) != 0 {
		t.Errorf("unexpected duplicates %+v", dups)
	}
	// flaky.xml and failing.xml both hold package m/p: one suite.
	if len(merged.Suites) != 2 || merged.Suites[0].Name != "m/p" {
		t.Fatalf("suites: %+v", merged.Suites)
	}
	if p := merged.Suites[0]; p.Tests != 5 || p.Failures != 1 || len(p.Testcases[1].FlakyFailures) != 1 {
		t.Errorf("m/p: tests=%d failures=%d", p.Tests, p.Failures)
	}
	if merged.Tests != 6 || merged.Errors != 1 {
		t.Errorf("totals tests=%d errors=%d", merged.Tests, merged.Errors)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, merged); err != nil {
		t.Fatal(err)
	}
	// The suites of m/p from three reports: one property per name, the
	// first report's.
	first, _, _ := bytes.Cut(buf.Bytes(), []byte("</testsuite>"))
	for _, name := range []string{"hostname", "timestamp", "go.version"} {
		if n := bytes.Count(first, []byte(`<property name="`+name+`"`)); n != 1 {
			t.Errorf("%d %s properties in one suite:\n%s", n, name, buf.Bytes())
		}
	}
	if !bytes.Contains(buf.Bytes(), []byte(`<property name="hostname" value="ci-host">`)) {
		t.Errorf("first report's hostname was not kept:\n%s", buf.Bytes())
	}
	// A suite attribute of another tool becomes a property.
	one, err := ReadSuites(single)
	if err != nil || !hasProperty(one[0].Properties, "hostname") || !hasProperty(one[0].Properties, "timestamp") {
		t.Errorf("suite attributes were dropped: %+v %v", one, err)
	}
	path := filepath.Join(t.TempDir(), "merged.xml")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	validate(t, path)

	_, dups, err = Merge([][]byte{read("flaky.xml"), read("flaky.xml")}, []string{"a.xml", "b.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(dups) != 3 || dups[0].Name != "TestF" || len(dups[0].Files) != 2 {
		t.Errorf("duplicates: %+v", dups)
	}
	if _, _, err := Merge([][]byte{[]byte("<html/>")}, []string{"x.html"}); err == nil {
		t.Error("merged a non-JUnit file")
	}
}

// TestReadSuitesRefusesTextAfterTheRoot: text after the root element is
// refused though decoding stops at the element's end.
func TestReadSuitesRefusesTextAfterTheRoot(t *testing.T) {
	for _, doc := range []string{
		`<testsuites><testsuite name="p"></testsuite></testsuites> junk`,
		`junk <testsuites></testsuites>`,
	} {
		if _, err := ReadSuites([]byte(doc)); err == nil || !strings.Contains(err.Error(), "text outside the root element") {
			t.Errorf("%q: err %v, want text outside the root element", doc, err)
		}
	}
}

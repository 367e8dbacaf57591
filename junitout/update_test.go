package junitout

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	junit "github.com/joshdk/go-junit"

	"github.com/gorerun/gorerun/grouping"
)

// rerunStream is a --last-failed run over the recorded reports' tests:
// TestOther now passes, TestAlwaysFails still fails, and a package the old
// reports lack appears.
const rerunStream = `{"Action":"run","Package":"example.com/e2e/other","Test":"TestOther"}
{"Action":"pass","Package":"example.com/e2e/other","Test":"TestOther","Elapsed":0.01}
{"Action":"output","Package":"example.com/e2e/other","Output":"PASS\n"}
{"Action":"pass","Package":"example.com/e2e/other","Elapsed":0.02}
{"Action":"run","Package":"example.com/e2e/always","Test":"TestAlwaysFails"}
{"Action":"run","Package":"example.com/e2e/always","Test":"TestAlwaysFails/step"}
{"Action":"output","Package":"example.com/e2e/always","Test":"TestAlwaysFails/step","Output":"    always_test.go:11: broken for good (run 4)\n"}
{"Action":"fail","Package":"example.com/e2e/always","Test":"TestAlwaysFails/step","Elapsed":0}
{"Action":"fail","Package":"example.com/e2e/always","Test":"TestAlwaysFails","Elapsed":0}
{"Action":"output","Package":"example.com/e2e/always","Output":"FAIL\n"}
{"Action":"fail","Package":"example.com/e2e/always","Elapsed":0.02}
{"Action":"run","Package":"example.com/e2e/fresh","Test":"TestNew"}
{"Action":"pass","Package":"example.com/e2e/fresh","Test":"TestNew","Elapsed":0}
{"Action":"output","Package":"example.com/e2e/fresh","Output":"PASS\n"}
{"Action":"pass","Package":"example.com/e2e/fresh","Elapsed":0.01}
`

func runSuites(t *testing.T) *Testsuites {
	return Build(reportFrom(t, grouping.Options{}, rerunStream), goldenOptions())
}

func statuses(t *testing.T, report []byte) map[string]junit.Test {
	t.Helper()
	suites, err := junit.Ingest(report)
	if err != nil {
		t.Fatalf("go-junit cannot read the updated report: %v", err)
	}
	out := map[string]junit.Test{}
	for _, s := range suites {
		for _, tst := range s.Tests {
			out[tst.Classname+" "+tst.Name] = tst
		}
	}
	return out
}

var caseElement = func(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)<testcase[^>]*name="` + regexp.QuoteMeta(name) + `"[^>]*>.*?</testcase>`)
}

func TestUpdateForeignReports(t *testing.T) {
	type testCase struct {
		input     string
		otherFlky int // flakyFailure elements TestOther gets
		stepRerun int // rerunFailure elements TestAlwaysFails/step gets
		unchanged []string
	}
	run := func(t *testing.T, tc testCase) {
		old, err := os.ReadFile(filepath.Join("..", "testdata", "junit", tc.input))
		if err != nil {
			t.Fatal(err)
		}
		out, totals, err := Update(old, runSuites(t), UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "updated.xml")
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		validate(t, path)
		got := statuses(t, out)
		other := got["example.com/e2e/other TestOther"]
		if other.Status != junit.StatusPassed {
			t.Errorf("TestOther: %v", other.Status)
		}
		if n := bytes.Count(caseElement("TestOther").Find(out), []byte("<flakyFailure")); n != tc.otherFlky {
			t.Errorf("TestOther has %d flakyFailure, want %d\n%s", n, tc.otherFlky, out)
		}
		step := caseElement("TestAlwaysFails/step").Find(out)
		if n := bytes.Count(step, []byte("<rerunFailure")); n != tc.stepRerun || !bytes.Contains(step, []byte("(run 4)")) {
			t.Errorf("TestAlwaysFails/step: %d rerunFailure, want %d\n%s", n, tc.stepRerun, step)
		}
		if got["example.com/e2e/other TestSkipped"].Status != junit.StatusSkipped {
			t.Errorf("TestSkipped is no longer skipped")
		}
		if got["example.com/e2e/fresh TestNew"].Status != junit.StatusPassed {
			t.Errorf("TestNew of a new package was not added")
		}
		if totals != (Totals{Tests: 5, Failures: 2, Skipped: 1}) {
			t.Errorf("totals %+v", totals)
		}
		for _, name := range tc.unchanged {
			before, after := caseElement(name).Find(old), caseElement(name).Find(out)
			if before == nil || !bytes.Equal(before, after) {
				t.Errorf("%s changed:\n%s\n---\n%s", name, before, after)
			}
		}
	}
	testCases := []testCase{
		{input: "gotestsum.xml", otherFlky: 2, stepRerun: 2},
		{input: "go-junit-report.xml", otherFlky: 1, stepRerun: 1, unchanged: []string{"TestSkipped"}},
	}
	for _, tc := range testCases {
		t.Run(tc.input, func(t *testing.T) { run(t, tc) })
	}
}

func TestUpdateOwnReportKeepsUntouchedTestcases(t *testing.T) {
	old := Build(reportFrom(t, grouping.Options{}, "ok.jsonl"), goldenOptions())
	var buf bytes.Buffer
	if err := Encode(&buf, old); err != nil {
		t.Fatal(err)
	}
	// TestFail passes now.
	run := Build(reportFrom(t, grouping.Options{}, `{"Action":"run","Package":"example.com/shapes/ok","Test":"TestFail"}
{"Action":"run","Package":"example.com/shapes/ok","Test":"TestFail/x"}
{"Action":"pass","Package":"example.com/shapes/ok","Test":"TestFail/x","Elapsed":0}
{"Action":"run","Package":"example.com/shapes/ok","Test":"TestFail/y"}
{"Action":"pass","Package":"example.com/shapes/ok","Test":"TestFail/y","Elapsed":0}
{"Action":"pass","Package":"example.com/shapes/ok","Test":"TestFail","Elapsed":0}
{"Action":"output","Package":"example.com/shapes/ok","Output":"PASS\n"}
{"Action":"pass","Package":"example.com/shapes/ok","Elapsed":0.01}
`), goldenOptions())
	for _, onlyLast := range []bool{false, true} {
		out, totals, err := Update(buf.Bytes(), run, UpdateOptions{OnlyLast: onlyLast})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "updated.xml")
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		validate(t, path)
		for _, name := range []string{"TestPass", "TestPass/a_b#01", "TestSkip", "Example"} {
			if before, after := caseElement(name).Find(buf.Bytes()), caseElement(name).Find(out); !bytes.Equal(before, after) {
				t.Errorf("%s changed:\n%s\n---\n%s", name, before, after)
			}
		}
		x := caseElement("TestFail/x").Find(out)
		wantFlaky := 1
		if onlyLast {
			wantFlaky = 0
		}
		if bytes.Count(x, []byte("<flakyFailure")) != wantFlaky || bytes.Contains(x, []byte("<failure")) {
			t.Errorf("onlyLast=%v TestFail/x:\n%s", onlyLast, x)
		}
		if totals != (Totals{Tests: 8, Skipped: 1}) {
			t.Errorf("totals %+v", totals)
		}
	}
}

func TestUpdateRejectsBadReports(t *testing.T) {
	good, _ := os.ReadFile(filepath.Join("..", "testdata", "junit", "go-junit-report.xml"))
	type testCase struct {
		name  string
		input []byte
	}
	run := func(t *testing.T, tc testCase) {
		_, _, err := Update(tc.input, runSuites(t), UpdateOptions{})
		if !errors.Is(err, ErrInvalidReport) {
			t.Errorf("err = %v, want ErrInvalidReport", err)
		}
	}
	testCases := []testCase{
		{"empty", nil},
		{"truncated", good[:len(good)/2]},
		{"not xml", []byte("hello, world\n")},
		{"not junit", []byte("<html><body/></html>")},
		{"mismatched", []byte("<testsuites><testsuite name=\"x\"></testsuites>")},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestUpdateSingleSuiteRoot(t *testing.T) {
	old := []byte(`<?xml version="1.0"?>
<testsuite name="example.com/e2e/other" tests="1" failures="1" errors="0">
  <testcase name="TestOther" classname="example.com/e2e/other" time="0.001"><failure message="boom"/></testcase>
</testsuite>
`)
	out, totals, err := Update(old, runSuites(t), UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "updated.xml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	validate(t, path)
	if totals.Tests != 4 || !bytes.Contains(out, []byte("<testsuites")) {
		t.Errorf("totals %+v\n%s", totals, out)
	}
}

// TestUpdateDropsWhatTheSchemaRefuses: elements the schema does not allow
// where they stand are dropped, so the updated report validates.
func TestUpdateDropsWhatTheSchemaRefuses(t *testing.T) {
	for name, old := range map[string]string{
		"junk in testsuites":        `<testsuites><A><testsuite name="hidden"/></A><testsuite name="m/p" tests="0"/></testsuites>`,
		"junk in testsuite":         `<testsuites><testsuite name="m/p" tests="1"><A/><testcase name="T" classname="m/p" time="0"/></testsuite></testsuites>`,
		"element in system-out":     `<testsuites><testsuite name="m/p" tests="0"><system-out>x<b>y</b></system-out></testsuite></testsuites>`,
		"stackTrace in failure":     `<testsuites><testsuite name="m/p" tests="1"><testcase name="T" classname="m/p" time="0"><failure message="m" type="failure"><stackTrace/></failure></testcase></testsuite></testsuites>`,
		"deep inside an attempt":    `<testsuites><testsuite name="m/p" tests="1"><testcase name="T" classname="m/p" time="0"><rerunFailure message="m" type="failure"><stackTrace><x/></stackTrace></rerunFailure><failure message="m" type="failure"/></testcase></testsuite></testsuites>`,
		"second properties element": `<testsuites><testsuite name="m/p" tests="0"><properties/><properties><property name="a" value="b"/></properties></testsuite></testsuites>`,
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := Update([]byte(old), Build(reportFromString(t, rerunStream), goldenOptions()), UpdateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := schemaShape(out); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			path := filepath.Join(t.TempDir(), "u.xml")
			if err := os.WriteFile(path, out, 0o644); err != nil {
				t.Fatal(err)
			}
			validate(t, path)
		})
	}
}

// TestOldAttemptsAgreeWithDecoding holds the parse-time reading of an old
// testcase's attempts to what decoding it in full gives.
func TestOldAttemptsAgreeWithDecoding(t *testing.T) {
	cases := []struct {
		name, inner string
		fast        bool
	}{
		{"cdata", `<failure message="m &amp; n" type="failure"><![CDATA[a < b & "c"]]></failure>`, true},
		{"text", `<failure message="m" type="failure">plain text</failure>`, true},
		{"empty", `<failure message="m" type="failure"></failure>`, true},
		{"self-closing", `<failure message="m" type="failure"/>`, true},
		{"error", `<error message="boom" type="crash">x</error>`, true},
		{"without type", `<error message="boom">x</error>`, false}, // not clean: decoded
		{"with output", `<failure message="m" type="failure"><![CDATA[f]]></failure><system-out><![CDATA[out]]></system-out><system-err>e</system-err>`, true},
		{"skipped", `<skipped message="s"></skipped>`, true},
		{"reference", `<failure message="m" type="failure">a &lt; b</failure>`, false},
		{"carriage return", "<failure message=\"m\" type=\"failure\"><![CDATA[a\r\nb]]></failure>", false},
		{"two sections", `<failure message="m" type="failure"><![CDATA[a]]><![CDATA[b]]></failure>`, false},
		{"earlier attempt", `<flakyFailure message="m" type="failure"><stackTrace>s</stackTrace></flakyFailure>`, false},
		{"two failures", `<failure message="a" type="failure">1</failure><failure message="b" type="failure">2</failure>`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := `<testsuites><testsuite name="p"><testcase name="T" classname="p" time="1">` + c.inner + `</testcase></testsuite></testsuites>`
			r, err := parseReport([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			oc := r.suites[0].cases[0]
			f, x, ok := r.oldAttempts(oc)
			if ok != c.fast {
				t.Fatalf("read at parse time: %v, want %v", ok, c.fast)
			}
			if !ok {
				return
			}
			prev, err := r.decodeCase(oc)
			if err != nil {
				t.Fatal(err)
			}
			wf, wx := attempts(prev)
			if !reflect.DeepEqual(f, wf) || !reflect.DeepEqual(x, wx) {
				t.Fatalf("got %+v %+v, decoding gives %+v %+v", f, x, wf, wx)
			}
		})
	}
}

package lastfailed

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/grouping"
)

func TestCacheRoundTrip(t *testing.T) {
	c := Cache{Dir: filepath.Join(t.TempDir(), DirName)}
	f, ok, err := c.Load()
	if err != nil || ok || len(f) != 0 {
		t.Fatalf("empty cache: %v %v %v", f, ok, err)
	}
	want := grouping.Failures{}
	want.Add("m/a", "TestA")
	want.Add("m/b", "")
	if err := c.Save(want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := c.Load()
	if err != nil || !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("Load = %v %v %v, want %v", got, ok, err, want)
	}
	ignore, err := os.ReadFile(filepath.Join(c.Dir, ".gitignore"))
	if err != nil || !strings.Contains(string(ignore), "*") {
		t.Errorf(".gitignore: %q %v", ignore, err)
	}
}

func TestCorruptCacheIsMovedAsideWithAWarning(t *testing.T) {
	type testCase struct {
		name, content, reason string
	}
	run := func(t *testing.T, tc testCase) {
		c := Cache{Dir: t.TempDir()}
		if err := os.WriteFile(c.Path(), []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		f, ok, err := c.Load()
		var corrupt *CorruptError
		if !errors.As(err, &corrupt) || ok || len(f) != 0 {
			t.Fatalf("Load = %v %v %v, want a CorruptError", f, ok, err)
		}
		if !strings.Contains(err.Error(), c.Path()) || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("warning %q does not name the file and %q", err, tc.reason)
		}
		if b, _ := os.ReadFile(c.Path() + ".corrupt"); string(b) != tc.content {
			t.Errorf("copy = %q", b)
		}
		// Update goes on, with the warning, and writes a good cache.
		if err := os.WriteFile(c.Path(), []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		warn, err := c.Update(&grouping.Report{})
		if err != nil || !errors.As(warn, &corrupt) {
			t.Fatalf("Update = %v, %v", warn, err)
		}
		if _, ok, err := c.Load(); !ok || err != nil {
			t.Errorf("after Update: %v %v", ok, err)
		}
	}
	testCases := []testCase{
		{"garbage", "{garbage", "invalid character"},
		{"unknown version", `{"version": 9, "packages": {}}`, "version 9"},
		{"wrong types", `{"version": 1, "packages": {"m/a": {"groups": "TestA"}}}`, "cannot unmarshal"},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestSaveErrorSaysTheCacheWasNotSaved(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c := Cache{Dir: filepath.Join(file, DirName)} // below a file: cannot be created
	if err := c.Save(grouping.Failures{}); err == nil || !strings.Contains(err.Error(), "the last-failed cache was not saved") {
		t.Errorf("Save = %v", err)
	}
	if _, err := c.Update(&grouping.Report{}); err == nil || !strings.Contains(err.Error(), "the last-failed cache was not saved") {
		t.Errorf("Update = %v", err)
	}
}

func TestFromFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	type testCase struct {
		name    string
		path    string
		want    map[string][]string // package -> groups; "" group = whole
		wantErr string
	}
	run := func(t *testing.T, tc testCase) {
		f, err := FromFile(tc.path)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for pkg, pf := range f {
			groups := pf.Groups
			if pf.Whole {
				groups = append(groups, "")
			}
			got[pkg] = groups
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("got %v, want %v", got, tc.want)
		}
	}
	junitDir := filepath.Join("..", "..", "..", "testdata", "junit")
	testCases := []testCase{
		{name: "gotestsum", path: filepath.Join(junitDir, "gotestsum.xml"),
			want: map[string][]string{"example.com/e2e/always": {"TestAlwaysFails"}, "example.com/e2e/other": {"TestOther"}}},
		{name: "go-junit-report", path: filepath.Join(junitDir, "go-junit-report.xml"),
			want: map[string][]string{"example.com/e2e/always": {"TestAlwaysFails"}, "example.com/e2e/other": {"TestOther"}}},
		{name: "gorerun flaky passes", path: filepath.Join("..", "..", "..", "junitout", "testdata", "flaky.xml"), want: map[string][]string{}},
		{name: "gorerun build failure", path: filepath.Join("..", "..", "..", "junitout", "testdata", "build-failure.xml"),
			want: map[string][]string{"example.com/shapes/buildfail": {""}}},
		{name: "group classname", path: write("group.xml", `<testsuites><testsuite name="m/p" tests="1" failures="1" errors="0">
<testcase classname="m/p.TestA" name="sub" time="0"><failure type="x"/></testcase>
<testcase classname="m/p.TestB" name="TestB" time="0"/></testsuite></testsuites>`),
			want: map[string][]string{"m/p": {"TestA"}}},
		{name: "jsonfile", path: write("events.jsonl", `{"Attempt":1,"Action":"run","Package":"m/p","Test":"TestA"}
{"Attempt":1,"Action":"fail","Package":"m/p","Test":"TestA"}
{"Attempt":1,"Action":"run","Package":"m/p","Test":"TestB"}
{"Attempt":1,"Action":"fail","Package":"m/p","Test":"TestB"}
{"Attempt":1,"Action":"output","Package":"m/p","Output":"FAIL\n"}
{"Attempt":1,"Action":"fail","Package":"m/p"}
{"Attempt":2,"Action":"run","Package":"m/p","Test":"TestA"}
{"Attempt":2,"Action":"pass","Package":"m/p","Test":"TestA"}
{"Attempt":2,"Action":"run","Package":"m/p","Test":"TestB"}
{"Attempt":2,"Action":"fail","Package":"m/p","Test":"TestB"}
{"Attempt":2,"Action":"output","Package":"m/p","Output":"FAIL\n"}
{"Attempt":2,"Action":"fail","Package":"m/p"}
`), want: map[string][]string{"m/p": {"TestB"}}},
		{name: "empty", path: write("empty.xml", ""), wantErr: "empty file"},
		{name: "broken xml", path: write("broken.xml", "<testsuites><testsuite>"), wantErr: "not a valid JUnit report"},
		{name: "html", path: write("page.html", "<html></html>"), wantErr: "root element is <html>"},
		{name: "missing", path: filepath.Join(dir, "nope.xml"), wantErr: "no such file"},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestFailuresUpdate(t *testing.T) {
	type testCase struct {
		name   string
		old    map[string][]string // package -> groups; "" = whole package
		stream string              // the run
		want   map[string][]string
	}
	run := func(t *testing.T, tc testCase) {
		old := grouping.Failures{}
		for pkg, groups := range tc.old {
			for _, g := range groups {
				old.Add(pkg, g)
			}
		}
		tr := grouping.NewTracker(grouping.Options{Attempt: 1})
		for _, ev := range events(tc.stream) {
			tr.Add(ev)
		}
		r := &grouping.Report{}
		r.Add(tr.Finish())
		got := map[string][]string{}
		for pkg, pf := range old.Update(r) {
			if pf.Whole {
				got[pkg] = append(got[pkg], "")
			}
			got[pkg] = append(got[pkg], pf.Groups...)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Update = %v, want %v", got, tc.want)
		}
	}
	// m/a: TestFixed passes, TestStillBad fails.
	ranA := `{"Action":"run","Package":"m/a","Test":"TestFixed"}
{"Action":"pass","Package":"m/a","Test":"TestFixed"}
{"Action":"run","Package":"m/a","Test":"TestStillBad"}
{"Action":"fail","Package":"m/a","Test":"TestStillBad"}
{"Action":"output","Package":"m/a","Output":"FAIL\n"}
{"Action":"fail","Package":"m/a"}`
	testCases := []testCase{
		{name: "passed groups leave, failures stay, untouched packages stay",
			old:    map[string][]string{"m/a": {"TestFixed", "TestStillBad"}, "m/b": {"TestNotRunNow"}},
			stream: ranA,
			want:   map[string][]string{"m/a": {"TestStillBad"}, "m/b": {"TestNotRunNow"}}},
		{name: "groups of a package that ran but did not select them stay",
			old:    map[string][]string{"m/a": {"TestOther"}},
			stream: ranA,
			want:   map[string][]string{"m/a": {"TestOther", "TestStillBad"}}},
		{name: "a whole-package entry stays when the package did not run",
			old:    map[string][]string{"m/b": {""}},
			stream: ranA,
			want:   map[string][]string{"m/a": {"TestStillBad"}, "m/b": {""}}},
		{name: "a whole-package entry leaves when the package ran and passed",
			old: map[string][]string{"m/a": {""}},
			stream: `{"Action":"run","Package":"m/a","Test":"TestFixed"}
{"Action":"pass","Package":"m/a","Test":"TestFixed"}
{"Action":"output","Package":"m/a","Output":"PASS\n"}
{"Action":"pass","Package":"m/a"}`,
			want: map[string][]string{}},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestFromJUnitCountsAttempts(t *testing.T) {
	type testCase struct {
		name, report string
		want         map[string]int // group -> attempts
	}
	run := func(t *testing.T, tc testCase) {
		f, err := FromJUnit([]byte(tc.report))
		if err != nil {
			t.Fatal(err)
		}
		if got := f["m/p"].Attempts; !reflect.DeepEqual(got, tc.want) {
			t.Errorf("attempts %v, want %v", got, tc.want)
		}
	}
	testCases := []testCase{
		{"gorerun: rerun elements", `<testsuites><testsuite name="m/p">
<testcase name="TestA" classname="m/p"><failure message="x" type="failure"/><rerunFailure message="x" type="failure"><stackTrace/></rerunFailure><rerunError message="x" type="crash"><stackTrace/></rerunError></testcase>
<testcase name="TestA/sub" classname="m/p"><failure message="x" type="failure"/></testcase>
</testsuite></testsuites>`, map[string]int{"TestA": 3}},
		{"gotestsum: one testcase per attempt", `<testsuites><testsuite name="m/p">
<testcase name="TestB" classname="m/p"><failure message="x"/></testcase>
<testcase name="TestB" classname="m/p"><failure message="x"/></testcase>
</testsuite></testsuites>`, map[string]int{"TestB": 2}},
		{"flaky elements count too", `<testsuites><testsuite name="m/p">
<testcase name="TestC" classname="m/p"><error message="x" type="crash"/><flakyFailure message="x" type="failure"><stackTrace/></flakyFailure><flakyError message="x" type="crash"><stackTrace/></flakyError></testcase>
</testsuite></testsuites>`, map[string]int{"TestC": 3}},
		{"classname missing: the suite names the package", `<testsuites><testsuite name="m/p">
<testcase name="TestE"><failure message="x"/></testcase>
</testsuite></testsuites>`, map[string]int{"TestE": 1}},
		{"suite name missing: classname names the package", `<testsuites><testsuite>
<testcase name="TestD" classname="m/p"><failure message="x"/></testcase>
</testsuite></testsuites>`, map[string]int{"TestD": 1}},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorerun/gorerun/internal/testutil/streamgen"
)

// TestE2ERefusals: every refusal is exit 2, one line naming the flag or
// file and what is wrong, before anything runs, with no file touched.
func TestE2ERefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stream := filepath.Join(dir, "stream.jsonl")
	data, err := os.ReadFile(streamPath("ok.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("stream.jsonl", data)
	link := filepath.Join(dir, "link.jsonl")
	if err := os.Symlink(stream, link); err != nil {
		t.Fatal(err)
	}
	report := write("report.xml", []byte(`<?xml version="1.0"?><testsuites tests="0" failures="0" errors="0" time="0"></testsuites>`))
	fifo := filepath.Join(dir, "fifo.xml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	deep := write("deep.xml", []byte(`<testsuites><testsuite name="p" tests="0" failures="0" errors="0" time="0"><properties>`+
		strings.Repeat("<x>", 1000)+strings.Repeat("</x>", 1000)+`</properties></testsuite></testsuites>`))
	linkDir := filepath.Join(dir, "linkdir")
	if err := os.Symlink(dir, linkDir); err != nil {
		t.Fatal(err)
	}
	fresh, freshLinked := filepath.Join(dir, "new.xml"), filepath.Join(linkDir, "new.xml")
	longLine := write("quarantine.txt", append(bytes.Repeat([]byte("x"), 1<<20), '\n'))
	corrupt := write("corrupt.db", bytes.Repeat([]byte("not a database "), 100))
	junk := write("junk.xml", []byte(`0000<testsuites></testsuites>`))
	type testCase struct {
		name string
		dir  string
		args []string
		want string
	}
	e2e := fixture("e2e")
	testCases := []testCase{
		{"input as junitfile", dir, []string{"--input", stream, "--junitfile", stream}, "--junitfile " + stream + " is the same file as --input"},
		{"input as jsonfile through a symlink", dir, []string{"--input", stream, "--jsonfile", link}, "is the same file as --input"},
		{"input as summary", dir, []string{"--input", stream, "--summary-md", stream}, "--summary-md " + stream + " is the same file as --input"},
		{"update-xml as input", dir, []string{"--input", stream, "--update-xml", link}, "is the same file as --input"},
		{"two outputs one file", dir, []string{"--input", stream, "--junitfile", report, "--update-xml", report}, "--update-xml " + report + " is the same file as --junitfile"},
		{"two outputs one new file", dir, []string{"--input", stream, "--junitfile", fresh, "--jsonfile", fresh}, "--jsonfile " + fresh + " is the same file as --junitfile"},
		{"two outputs one new file, one through a symlinked directory", dir, []string{"--input", stream, "--junitfile", fresh, "--html", freshLinked}, "--html " + freshLinked + " is the same file as --junitfile"},
		{"two outputs one new file, written differently", dir, []string{"--input", stream, "--junitfile", fresh, "--html", dir + "/./x/../new.xml"}, "is the same file as --junitfile"},
		{"history as html", dir, []string{"--input", stream, "--html", fresh, "--history", freshLinked}, "--history " + freshLinked + " is the same file as --html"},
		{"history as existing junitfile", dir, []string{"--input", stream, "--junitfile", report, "--history", report}, "--history " + report + " is the same file as --junitfile"},
		{"history is a fifo", dir, []string{"--input", stream, "--history", fifo}, "is not a regular file (a named pipe)"},
		{"prune everything", dir, []string{"history", "prune", "--keep", "0", "--history", filepath.Join(dir, "h.db")}, "--keep 0 would delete every run; add --all"},
		{"quarantine-auto NaN", e2e, []string{"--quarantine-auto", "NaN", "./other"}, "--quarantine-auto NaN: must be a rate from 0 to 1"},
		{"quarantine-auto Inf", e2e, []string{"--quarantine-auto", "+Inf", "./other"}, "--quarantine-auto +Inf: must be a rate from 0 to 1"},
		{"quarantine file with a 1 MB line", e2e, []string{"--quarantine", longLine, "./other"}, "--quarantine " + longLine + ":1: want \"package TestGroup\""},
		{"flaky on a corrupt database", dir, []string{"flaky", "--history", corrupt}, "flaky: history " + corrupt},
		{"import with a bad file", dir, []string{"history", "import", "--history", filepath.Join(dir, "h.db"), stream, junk}, "(nothing imported)"},
		{"hunt with a report", e2e, []string{"--hunt", "2", "--junitfile", fresh, "./other"}, "--junitfile is not written by --hunt"},
		{"hunt with a history", e2e, []string{"--hunt", "2", "--history", fresh, "./other"}, "--history is not written by --hunt"},
		{"junitfile is a directory", dir, []string{"--input", stream, "--junitfile", "/"}, "--junitfile / is a directory, not a file; give a file name"},
		{"junitfile names a directory", dir, []string{"--input", stream, "--junitfile", filepath.Join(dir, "out") + "/"}, "names a directory"},
		{"junitfile is a device", dir, []string{"--input", stream, "--junitfile", "/dev/null"}, "is not a regular file"},
		{"missing -C", dir, []string{"-C", "/missing/dir", "./..."}, "-C /missing/dir: no such directory"},
		{"NaN delay", e2e, []string{"--rerun-delay", "NaN", "./other"}, `"NaN" is not a finite number of seconds`},
		{"huge delay", e2e, []string{"--rerun-delay", "1e300", "./other"}, "longer than the 24h0m0s limit"},
		{"huge duration", e2e, []string{"--rerun-delay", "25h", "./other"}, "longer than the 24h0m0s limit"},
		{"max failures below -1", e2e, []string{"--rerun-max-failures", "-2", "./other"}, "--rerun-max-failures must be -1 (no limit) or more"},
		{"huge shard", e2e, []string{"--shard", "1/1000000000", "./..."}, "at most 10000 shards"},
		{"huge shard-plan", e2e, []string{"shard-plan", "--shards", "100000000"}, "--shards must be from 1 to 10000"},
		{"bad -run", e2e, []string{"./other", "--", "-run", "("}, `-run "(": not a valid regular expression`},
		{"bad -skip element", e2e, []string{"./other", "--", "-skip", "TestA/[z-a]"}, `-skip "TestA/[z-a]": not a valid regular expression`},
		{"update-xml device", e2e, []string{"--update-xml", "/dev/zero", "./other"}, "/dev/zero is not a regular file (a character device)"},
		{"update-xml fifo", e2e, []string{"--update-xml", fifo, "./other"}, "is not a regular file (a named pipe)"},
		{"update-xml directory", e2e, []string{"--update-xml", dir, "./other"}, "is a directory"},
		{"update-xml too deep", e2e, []string{"--update-xml", deep, "./other"}, "nested deeper than 64 levels"},
		{"last-failed device", e2e, []string{"--last-failed=/dev/zero", "./other"}, "/dev/zero is not a regular file"},
		{"shard-timings fifo", e2e, []string{"--shard", "1/2", "--shard-timings", fifo, "./..."}, "is not a regular file (a named pipe)"},
		{"merge into a directory", dir, []string{"merge", "-o", dir + "/", report}, "merge -o " + dir + "/ is a directory, not a file"},
		{"merge over its input", dir, []string{"merge", "-o", report, report}, "is the same file as merge input"},
		{"merge a device", dir, []string{"merge", "-o", filepath.Join(dir, "m.xml"), "/dev/zero"}, "/dev/zero is not a regular file"},
		{"update-xml with text outside the root", e2e, []string{"--update-xml", junk, "./other"}, "text outside the root element"},
		{"merge text outside the root", dir, []string{"merge", "-o", filepath.Join(dir, "m.xml"), junk}, "text outside the root element"},
		{"merge too deep", dir, []string{"merge", "-o", filepath.Join(dir, "m.xml"), deep}, "nested deeper than 64 levels"},
	}
	before := snapshot(t, dir)
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r := gorerun(t, tc.dir, nil, "", tc.args...)
			r.expectCode(t, 2)
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", r.stderr, tc.want)
			}
			if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 || r.stdout != "" {
				t.Errorf("not one line on stderr and nothing on stdout:\nstdout %q\nstderr %q", r.stdout, r.stderr)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v: it read instead of refusing", d)
			}
		})
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("files changed:\nbefore %s\nafter  %s", before, after)
	}
}

// snapshot lists a directory's regular files with their contents' sizes
// and a prefix, to tell whether anything was touched.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			b.WriteString(e.Name() + " ")
			continue
		}
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		b.WriteString(e.Name() + ":" + string(data[:min(len(data), 40)]) + " ")
	}
	return b.String()
}

// TestE2EOddReportsComeOutValid: update and merge of reports other tools
// (or hands) wrote odd, but within the limits, always write reports the
// validator accepts.
func TestE2EOddReportsComeOutValid(t *testing.T) {
	t.Parallel()
	odd := map[string]string{
		"nested-properties": `<testsuites><testsuite name="example.com/shapes/ok" tests="1" failures="0" errors="0" time="0.1" timestamp="2026-01-01T00:00:00" hostname="h">
<properties><property name="timestamp" value="x"/><x><y><z/></y></x><property name="a" value="b"></property><property/></properties>
<testcase name="TestPass" classname="example.com/shapes/ok" time="0.1"><unknown><deeper/></unknown></testcase></testsuite></testsuites>`,
		"unknown-in-failure": `<testsuites><testsuite name="m/q" tests="1" failures="1" errors="0" time="0">
<testcase name="TestQ" classname="m/q" time="0"><failure message="m"><b>bold</b></failure></testcase></testsuite></testsuites>`,
		"single-suite-root": `<testsuite name="m/r" tests="1" failures="0" errors="0" time="1.23456" id="0" package="m/r"><testcase name="TestR" classname="m/r" time="1.23456"/></testsuite>`,
		"self-closing":      `<testsuites><testsuite name="m/s" tests="0" failures="0" errors="0" time="0" timestamp="t"/></testsuites>`,
		"unknown-in-suite": `<testsuites><testsuite name="m/u" tests="1" failures="0" errors="0" time="0"><A><testcase name="TestHidden" classname="m/u"/></A><properties/><properties><property name="x" value="y"/></properties>
<testcase name="TestU" classname="m/u" time="0"/></testsuite></testsuites>`,
	}
	dir := t.TempDir()
	var files []string
	for name, body := range odd {
		p := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(p, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
		t.Run("update "+name, func(t *testing.T) {
			r := gorerun(t, dir, nil, "", "--input", streamPath("ok.jsonl"), "--update-xml", p)
			r.expectCode(t, 1) // ok.jsonl has failures
			validateJUnit(t, p)
		})
	}
	merged := filepath.Join(dir, "merged.xml")
	r := gorerun(t, dir, nil, "", append([]string{"merge", "-o", merged}, files...)...)
	r.expectCode(t, 0)
	validateJUnit(t, merged)
	b, _ := os.ReadFile(merged)
	if n := strings.Count(string(b), `<property name="timestamp"`); n != 2 { // one in example.com/shapes/ok, one in m/s
		t.Errorf("%d timestamp properties in 2 suites that have one:\n%s", n, b)
	}
}

// TestE2EImpossibleElapsedIsClamped: negative and overflowing Elapsed
// values give valid JUnit times and one warning.
func TestE2EImpossibleElapsedIsClamped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stream := filepath.Join(dir, "s.jsonl")
	if err := os.WriteFile(stream, []byte(`{"Action":"run","Package":"m/p","Test":"TestNeg"}
{"Action":"pass","Package":"m/p","Test":"TestNeg","Elapsed":-5}
{"Action":"run","Package":"m/p","Test":"TestHuge"}
{"Action":"pass","Package":"m/p","Test":"TestHuge","Elapsed":1e29}
{"Action":"output","Package":"m/p","Output":"PASS\n"}
{"Action":"pass","Package":"m/p","Elapsed":-1}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "r.xml")
	r := gorerun(t, dir, nil, "", "--input", stream, "--junitfile", report)
	r.expectCode(t, 0)
	if n := strings.Count(r.stderr, "impossible Elapsed"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, r.stderr)
	}
	r.expectOutput(t, "3 events have an impossible Elapsed (the first: -5 seconds)")
	ts := readJUnit(t, report) // validates
	if tc := testcase(t, ts, "m/p", "TestNeg"); tc.Time != "0.000" {
		t.Errorf("TestNeg time %s", tc.Time)
	}
	if tc := testcase(t, ts, "m/p", "TestHuge"); tc.Time != "604800.000" {
		t.Errorf("TestHuge time %s", tc.Time)
	}
}

// TestE2EStaleTempFilesAreRemoved: what a killed run left next to a report
// is removed by the next run, which says so.
func TestE2EStaleTempFilesAreRemoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	report := filepath.Join(dir, "report.xml")
	old := time.Now().Add(-time.Hour)
	for _, name := range []string{".report.xml.tmp111", ".report.xml.tmp222"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("half a report"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, old, old)
	}
	r := gorerun(t, dir, nil, "", "--input", streamPath("ok.jsonl"), "--junitfile", report)
	r.expectCode(t, 1)
	r.expectOutput(t, "removed 2 temporary files that an interrupted run left next to "+report)
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in %s: %v", dir, entries)
	}
}

// TestE2EMoreShardsThanPackages prints the empty shards in one line.
func TestE2EMoreShardsThanPackages(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "shard-plan", "--shards", "10000", "./other", "./always")
	r.expectCode(t, 0)
	r.expectOutput(t, "2 packages in 10000 shards", "shards 3/10000 to 10000/10000: no packages (more shards than packages)")
	if n := strings.Count(r.stdout, "\n"); n > 8 {
		t.Errorf("%d lines for 2 packages:\n%.400s", n, r.stdout)
	}
	r = gorerun(t, fixture("e2e"), nil, "", "--shard", "9999/10000", "./other", "./always")
	r.expectCode(t, 0)
	r.expectOutput(t, "shard 9999/10000: 0 of 2 packages")
}

// TestE2EFullDiskCostsOnlyItsOutput: a disk that fills up under one
// output (--jsonfile on a 300 KiB tmpfs) costs that output alone: the
// JUnit report, the HTML report and the history are still written, the
// failure names the file, and the run fails.
func TestE2EFullDiskCostsOnlyItsOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	os.Mkdir(full, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", full).CombinedOutput(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mounting a small tmpfs (CI runs as root): %v\n%s", err, out)
		}
		t.Skipf("cannot mount a small tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", full).Run() })
	stream := filepath.Join(dir, "big.jsonl")
	f, err := os.Create(stream)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := streamgen.Generate(f, streamgen.Config{Seed: 1, Bytes: 1 << 20, Packages: 4, FailEvery: 50}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	jsonFile, report, page, db := filepath.Join(full, "r.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.html"), filepath.Join(dir, "h.db")
	r := gorerun(t, dir, nil, "", "--input", stream, "--jsonfile", jsonFile, "--junitfile", report, "--html", page, "--history", db)
	r.expectCode(t, 1)
	r.expectOutput(t, jsonFile, "no space left on device")
	readJUnit(t, report)
	for _, p := range []string{page, db} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s not written after --jsonfile failed: %v", p, err)
		}
	}
	if entries, _ := os.ReadDir(full); len(entries) != 0 {
		t.Errorf("left on the full disk: %v", entries)
	}
}

// TestE2EFIFOCacheDoesNotHang: a FIFO where the last-failed cache lives is
// refused like any file that is not a regular file: the run ends, with a
// warning, instead of waiting in open(2) forever after its summary.
func TestE2EFIFOCacheDoesNotHang(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	cache := filepath.Join(state, "cache")
	os.MkdirAll(cache, 0o755)
	if err := syscall.Mkfifo(filepath.Join(cache, "lastfailed.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan result, 1)
	go func() { done <- execIn(t, fixture("e2e"), state, nil, "", "--no-history", "./other") }()
	select {
	case r := <-done:
		r.expectCode(t, 1) // ./other fails on attempt 1
		r.expectOutput(t, "DONE 2 tests", "lastfailed.json is not a regular file (a named pipe)")
	case <-time.After(2 * time.Minute): // far past a run of ./other: only a hang gets here
		t.Fatal("gorerun hangs on a FIFO last-failed cache")
	}
}

// TestE2EUnreadableHistoryIsNamed: --quarantine-auto with a history that
// cannot be read says so and what follows, and the run goes on with the
// tests' own result.
func TestE2EUnreadableHistoryIsNamed(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "h.db")
	if err := os.WriteFile(db, bytes.Repeat([]byte("not a database "), 100), 0o644); err != nil {
		t.Fatal(err)
	}
	r := gorerun(t, fixture("e2e"), nil, "", "--history", db, "--quarantine-auto", "0.5", "--rerun-class-max=1", "--rerun-delay=0", "./other")
	r.expectCode(t, 0) // TestOther passes on its rerun
	r.expectOutput(t, "gorerun: warning: --quarantine-auto: history "+db, "no group quarantined from history")
}

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// gotestsumBuild installs gotestsum v1.13.0 once, beside the gorerun
// binary (as scripts/bench.sh does, through the module proxy).
var gotestsumBuild = sync.OnceValues(func() (string, error) {
	dir := filepath.Dir(binary)
	cmd := exec.Command("go", "install", "gotest.tools/gotestsum@v1.13.0")
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", &buildError{out: string(out), err: err}
	}
	return filepath.Join(dir, "gotestsum"), nil
})

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

func gotestsumBinary(t *testing.T) string {
	t.Helper()
	path, err := gotestsumBuild()
	if err != nil {
		t.Fatalf("building gotestsum: %v", err)
	}
	return path
}

// progress is what a format printed before the summary, with durations
// made equal: the summary is gorerun's own (groups, flaky groups, attempts).
func progress(out string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(out, "\n") {
		if regexp.MustCompile(`^(=== (Skipped|Failed|Errors|Flaky|Build failed)|DONE )`).MatchString(line) {
			break
		}
		b.WriteString(line)
	}
	return regexp.MustCompile(`\(-?[0-9.]+(ms|s|µs)\)`).ReplaceAllString(b.String(), "(T)")
}

// TestGotestsumFormatsMatch runs gotestsum and gorerun on the same
// recorded streams in every format gotestsum has that does not involve
// reruns, and requires the same output up to the summary, except where
// README.md ("Coming from gotestsum") documents a deliberate difference.
func TestGotestsumFormatsMatch(t *testing.T) {
	t.Parallel()
	gotestsum := gotestsumBinary(t)
	streams, err := filepath.Glob(filepath.Join("..", "..", "testdata", "streams", "*.jsonl"))
	if err != nil || len(streams) < 10 {
		t.Fatalf("recorded streams: %v (%d)", err, len(streams))
	}
	formats := []string{"dots", "pkgname", "pkgname-and-test-fails", "testname", "testdox", "github-actions", "standard-quiet", "standard-verbose"}
	// The documented differences, by stream and format.
	differs := map[string]string{
		"appended.jsonl":                       "reruns: gorerun marks [attempt N] and counts tests once",
		"gotestsum-rerun.jsonl":                "reruns: gorerun marks [attempt N] and counts tests once",
		"bench.jsonl dots":                     "a benchmark without a result event passes in gorerun",
		"bench.jsonl pkgname-and-test-fails":   "a benchmark without a result event passes in gorerun",
		"bench.jsonl testname":                 "a benchmark without a result event passes in gorerun",
		"bench.jsonl github-actions":           "a benchmark without a result event passes in gorerun",
		"buildfail.jsonl standard-verbose":     "gorerun shows build errors where go test -v does",
		"timeout.jsonl testname":               "a test cut off by a timeout shows the timeout panic",
		"timeout.jsonl pkgname-and-test-fails": "a test cut off by a timeout shows the timeout panic",
		"timeout.jsonl github-actions":         "gotestsum shows the tests a timeout cut off in random order (a map)",
	}
	dir := fixture("shapes") // package paths relative to example.com/shapes
	var matched atomic.Int64
	t.Run("streams", func(t *testing.T) { // returns when every stream is compared
		for _, stream := range streams {
			name := filepath.Base(stream)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				for _, format := range formats {
					if differs[name] != "" || differs[name+" "+format] != "" {
						continue
					}
					abs, _ := filepath.Abs(stream)
					cmd := exec.Command(gotestsum, "--no-color", "--format", format, "--raw-command", "--", "cat", abs)
					cmd.Dir = dir
					want, _ := cmd.Output()
					// gorerun in this process (run is main without os.Exit):
					// 170 pairs, so the process starts add up.
					var stdout, stderr bytes.Buffer
					getenv := func(k string) string { return map[string]string{"NO_COLOR": "1"}[k] }
					run(context.Background(), []string{"-C", dir, "--no-history", "--format", format, "--input", abs}, strings.NewReader(""), &stdout, &stderr, getenv)
					if got, wantP := progress(stdout.String()), progress(string(want)); got != wantP {
						t.Errorf("%s --format %s: gorerun printed\n%s\ngotestsum printed\n%s", name, format, got, wantP)
						continue
					}
					matched.Add(1)
				}
			})
		}
	})
	if matched := matched.Load(); matched < 150 {
		t.Errorf("only %d stream × format pairs compared", matched)
	}
}

// copyModule copies a fixture module to a temporary directory, so that a
// test may write into it (reports, profiles, rewritten sources).
func copyModule(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(fixture(name))); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestGotestsumREADMECommandLines runs the command lines of gotestsum's
// README (v1.13.0) with gorerun in place of gotestsum, on a fixture module
// shaped like its examples, and checks that each does what the README
// says.
func TestGotestsumREADMECommandLines(t *testing.T) {
	t.Parallel()
	mod := copyModule(t, "gts")
	bin := t.TempDir()
	// notify, as in the README's --post-run-command example: it records
	// its arguments and gotestsum's environment.
	notify := "#!/bin/sh\necho \"args=$* total=$TESTS_TOTAL failed=$TESTS_FAILED skipped=$TESTS_SKIPPED errors=$TESTS_ERRORS junit=$GOTESTSUM_JUNITFILE json=$GOTESTSUM_JSONFILE\" >> \"$NOTIFY_OUT\"\n"
	if err := os.WriteFile(filepath.Join(bin, "notify"), []byte(notify), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(binary, filepath.Join(bin, "gorerun")); err != nil {
		t.Fatal(err)
	}
	path := "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")
	build := exec.Command("go", "test", "-c", "-o", "binary.test", "./io/http")
	build.Dir = mod
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	notifyOut := filepath.Join(mod, "notify.out")
	type row struct {
		args  []string
		env   []string
		code  int
		want  []string // in the output
		lacks []string // not in the output
		file  string   // a file the run writes (relative to the module)
	}
	rows := []row{
		{args: []string{"--format", "testname"}, want: []string{"PASS io/http.TestGet", "SKIP io/http.TestSkipped", "PASS flaky.TestFlaky", "DONE"}},
		{args: []string{"--format", "dots-v2"}, want: []string{"[io/http]", "DONE"}},
		{args: []string{"--hide-summary=skipped"}, want: []string{"DONE"}, lacks: []string{"=== Skipped"}},
		{args: []string{"--hide-summary=skipped,failed,errors,output"}, env: []string{"FLAKY=1"}, code: 1, want: []string{"1 failure"}, lacks: []string{"=== Skipped", "=== Failed", "flaked in attempt 1"}},
		{args: []string{"--hide-summary=all"}, want: []string{"DONE"}, lacks: []string{"=== Skipped"}},
		{args: []string{"--hide-summary=output"}, env: []string{"FLAKY=1"}, code: 1, want: []string{"=== Failed", "=== FAIL: flaky TestFlaky"}, lacks: []string{"flaked in attempt 1"}},
		{args: []string{"--junitfile", "unit-tests.xml"}, file: "unit-tests.xml"},
		{args: []string{"--jsonfile", "test-output.log"}, file: "test-output.log"},
		{args: []string{"--post-run-command", "notify"}, env: []string{path, "NOTIFY_OUT=" + notifyOut}, file: "notify.out"},
		{args: []string{"--post-run-command", "notify me --date"}, env: []string{path, "NOTIFY_OUT=" + notifyOut}, file: "notify.out"},
		{args: []string{"--jsonfile", "tmp.json.log", "--post-run-command", "bash -c '\n    echo; echo Slowest tests;\n    gorerun tool slowest --num 10 --jsonfile tmp.json.log'"},
			env: []string{path}, want: []string{"Slowest tests", "example.com/gts/"}},
		{args: []string{"--rerun-fails", "--packages=./...", "--", "-count=2"}, env: []string{"FLAKY=1"}, want: []string{"rerun 1/2", "=== FLAKY: flaky TestFlaky passed on attempt 2"}},
		{args: []string{"--rerun-fails", "--packages=./...", "--", "-count=2", "-args", "-update-golden"}, env: []string{"FLAKY=1"}, want: []string{"rerun 1/2", "flaky"}},
		{args: []string{"--format", "testname", "--", "-tags=integration", "./..."}, want: []string{"PASS integration.TestIntegration"}},
		{args: []string{"--format", "testname", "--", "./io/http"}, want: []string{"PASS io/http.TestGet"}, lacks: []string{"flaky"}},
		{args: []string{"--", "-coverprofile=cover.out", "./..."}, want: []string{"✓  io/http"}, file: "cover.out"},
		{args: []string{"--format", "testname", "--raw-command", "--", "./scripts/run_tests.sh"}, want: []string{"PASS io/http.TestGet"}},
		{args: []string{"--format", "testname", "--raw-command", "./profile.sh", "./..."}, want: []string{"PASS io/http.TestGet"}, file: "io/http/cpu.profile"},
		{args: []string{"--format", "testname"}, env: []string{"TEST_DIRECTORY=./io/http"}, want: []string{"PASS io/http.TestGet"}, lacks: []string{"flaky"}},
		{args: []string{"--format", "testname", "--raw-command", "--", "go", "tool", "test2json", "-t", "-p", "pkgname", "./binary.test", "-test.v"}, want: []string{"PASS pkgname.TestGet"}},
		{args: []string{"--format", "dots", "--jsonfile", "json.log"}, env: []string{"SLOW_TEST=1"}, file: "json.log"},
		{args: []string{"tool", "slowest", "--jsonfile", "json.log", "--threshold", "500ms"}, want: []string{"example.com/gts/slow TestSlowish 5"}, lacks: []string{"TestQuick"}},
	}
	check := func(t *testing.T, r row) {
		res := execIn(t, mod, t.TempDir(), r.env, "", r.args...)
		if res.code != r.code {
			t.Errorf("gorerun %s: exit %d, want %d\n%s%s", strings.Join(r.args, " "), res.code, r.code, res.stdout, res.stderr)
			return
		}
		for _, w := range r.want {
			if !strings.Contains(res.stdout+res.stderr, w) {
				t.Errorf("gorerun %s: output lacks %q\n%s%s", strings.Join(r.args, " "), w, res.stdout, res.stderr)
			}
		}
		for _, l := range r.lacks {
			if strings.Contains(res.stdout, l) {
				t.Errorf("gorerun %s: output has %q\n%s", strings.Join(r.args, " "), l, res.stdout)
			}
		}
		if r.file != "" {
			if st, err := os.Stat(filepath.Join(mod, r.file)); err != nil || st.Size() == 0 {
				t.Errorf("gorerun %s: %s not written: %v", strings.Join(r.args, " "), r.file, err)
			}
		}
	}
	// The rows run one after another: rows that run the same go test
	// command reuse its cached result (run at once, each would build and
	// run it).
	for _, r := range rows {
		check(t, r)
	}
	// notify ran twice, with its arguments and gotestsum's environment.
	b, _ := os.ReadFile(notifyOut)
	for _, want := range []string{"args= total=5 failed=0 skipped=1 errors=0", "args=me --date total=5"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("notify recorded %q, lacks %q", b, want)
		}
	}
	// go test -json -short ./... | gorerun tool slowest --skip-stmt "testing.Short" --threshold 200ms
	gotest := exec.Command("go", "test", "-json", "-short", "./...")
	gotest.Dir = mod
	gotest.Env = append(os.Environ(), "SLOW_TEST=1")
	stream, _ := gotest.Output()
	res := execIn(t, mod, t.TempDir(), nil, string(stream), "tool", "slowest", "--skip-stmt", "testing.Short", "--threshold", "200ms")
	res.expectCode(t, 0)
	src, _ := os.ReadFile(filepath.Join(mod, "slow", "slow_test.go"))
	if !bytes.Contains(src, []byte("func TestSlowish(t *testing.T) {\n\tif testing.Short() {\n\t\tt.Skip(\"too slow for testing.Short\")\n\t}\n")) {
		t.Errorf("--skip-stmt did not add the skip to TestSlowish:\n%s", src)
	}
	if bytes.Count(src, []byte("testing.Short()")) != 1 {
		t.Errorf("--skip-stmt changed more than TestSlowish:\n%s", src)
	}
}

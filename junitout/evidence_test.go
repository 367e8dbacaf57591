package junitout

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/grouping"
)

// evidenceAttempt is one attempt of m/e's TestShot: it sets an attribute
// and announces an artifact directory, failing when fail is set.
func evidenceAttempt(dir string, attempt int, fail bool) string {
	end := "pass"
	if fail {
		end = "fail"
	}
	return fmt.Sprintf(`{"Action":"run","Package":"m/e","Test":"TestShot"}
{"Action":"attr","Package":"m/e","Test":"TestShot","Key":"attempt","Value":"%[2]d of 2"}
{"Action":"output","Package":"m/e","Test":"TestShot","Output":"=== ATTR  TestShot attempt %[2]d of 2\n"}
{"Action":"artifacts","Package":"m/e","Test":"TestShot","Path":%[1]q}
{"Action":"%[3]s","Package":"m/e","Test":"TestShot","Elapsed":0.01}
{"Action":"%[3]s","Package":"m/e","Elapsed":0.1}
`, dir, attempt, end)
}

func TestEvidenceOfEachAttempt(t *testing.T) {
	root := t.TempDir()
	dirs := []string{filepath.Join(root, "a1"), filepath.Join(root, "a2")}
	for i, d := range dirs {
		if err := os.MkdirAll(filepath.Join(d, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"shot.png", filepath.Join("sub", "log.txt")} {
			if err := os.WriteFile(filepath.Join(d, name), []byte(fmt.Sprint("attempt ", i+1)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	r := reportFrom(t, grouping.Options{}, evidenceAttempt(dirs[0], 1, true), evidenceAttempt(dirs[1], 2, false))
	repro := func(ph *grouping.PackageHistory, h *grouping.History) string {
		return "go test -run '^" + h.Name + "$' ./e"
	}
	for _, tc := range []struct {
		name        string
		opts        Options
		final, prev []string // lines of the testcase's system-out, of the flakyFailure's
		absent      []string
	}{
		{name: "every attempt, absolute paths",
			opts: Options{Reproduce: repro},
			final: []string{"=== ATTR  TestShot attempt 2 of 2", "[[ATTACHMENT|" + filepath.Join(dirs[1], "shot.png") + "]]",
				"[[ATTACHMENT|" + filepath.Join(dirs[1], "sub", "log.txt") + "]]", "reproduce: go test -run '^TestShot$' ./e"},
			prev: []string{"=== ATTR  TestShot attempt 1 of 2", "[[ATTACHMENT|" + filepath.Join(dirs[0], "shot.png") + "]]"}},
		{name: "relative to a directory",
			opts:  Options{AttachmentsRelativeTo: root},
			final: []string{"[[ATTACHMENT|a2/shot.png]]", "[[ATTACHMENT|a2/sub/log.txt]]"},
			prev:  []string{"[[ATTACHMENT|a1/shot.png]]"}, absent: []string{"reproduce:"}},
		{name: "only the last attempt",
			opts:   Options{OnlyLast: true},
			final:  []string{"[[ATTACHMENT|" + filepath.Join(dirs[1], "shot.png") + "]]"},
			absent: []string{"a1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.xml")
			if err := WriteFile(path, Build(r, tc.opts)); err != nil {
				t.Fatal(err)
			}
			validate(t, path)
			c := Build(r, tc.opts).Suites[0].Testcases[0]
			if c.SystemOut == nil {
				t.Fatal("no system-out")
			}
			for _, want := range tc.final {
				if !strings.Contains(c.SystemOut.Body, want+"\n") {
					t.Errorf("system-out lacks %q:\n%s", want, c.SystemOut.Body)
				}
			}
			if len(tc.prev) > 0 {
				if len(c.FlakyFailures) != 1 || c.FlakyFailures[0].SystemOut == nil {
					t.Fatalf("flaky failures: %+v", c.FlakyFailures)
				}
				for _, want := range tc.prev {
					if !strings.Contains(c.FlakyFailures[0].SystemOut.Body, want+"\n") {
						t.Errorf("the first attempt's system-out lacks %q:\n%s", want, c.FlakyFailures[0].SystemOut.Body)
					}
				}
			}
			b, _ := os.ReadFile(path)
			for _, bad := range tc.absent {
				if strings.Contains(string(b), bad) {
					t.Errorf("report holds %q", bad)
				}
			}
		})
	}
}

func TestShuffleSeedOfEachAttempt(t *testing.T) {
	attempt := func(seed, result string) string {
		return `{"Action":"output","Package":"m/s","Output":"-test.shuffle ` + seed + `\n"}
{"Action":"run","Package":"m/s","Test":"TestB"}
{"Action":"` + result + `","Package":"m/s","Test":"TestB","Elapsed":0}
{"Action":"` + result + `","Package":"m/s","Elapsed":0}
`
	}
	r := reportFrom(t, grouping.Options{}, attempt("11", "fail"), attempt("22", "pass"))
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{}, "[{gorerun.shuffle.attempt1 11} {gorerun.shuffle.attempt2 22}]"},
		{Options{OnlyLast: true}, "[{gorerun.shuffle.attempt2 22}]"},
	} {
		props := Build(r, tc.opts).Suites[0].Properties
		if got := fmt.Sprint(props[4:]); got != tc.want { // after go.version, gorerun.version, timestamp, hostname
			t.Errorf("OnlyLast %v: properties %s, want %s", tc.opts.OnlyLast, got, tc.want)
		}
	}
}

// TestParentsReasonInItsSubtests: a parent that failed while its subtests
// passed (streams of go before 1.20 give its lines to them) has their
// output as its failure, as gotestsum writes it.
func TestParentsReasonInItsSubtests(t *testing.T) {
	r := reportFrom(t, grouping.Options{}, `{"Action":"run","Package":"m/p","Test":"TestParent"}
{"Action":"run","Package":"m/p","Test":"TestParent/child"}
{"Action":"output","Package":"m/p","Test":"TestParent","Output":"--- FAIL: TestParent (0.00s)\n"}
{"Action":"output","Package":"m/p","Test":"TestParent/child","Output":"    --- PASS: TestParent/child (0.00s)\n"}
{"Action":"output","Package":"m/p","Test":"TestParent/child","Output":"    p_test.go:12: the parent's reason\n"}
{"Action":"pass","Package":"m/p","Test":"TestParent/child"}
{"Action":"fail","Package":"m/p","Test":"TestParent"}
{"Action":"fail","Package":"m/p"}
`)
	tc := Build(r, Options{}).Suites[0].Testcases[0]
	want := "--- FAIL: TestParent (0.00s)\n    --- PASS: TestParent/child (0.00s)\n    p_test.go:12: the parent's reason\n"
	if tc.Failure == nil || tc.Failure.Body != want {
		t.Errorf("failure %+v, want body %q", tc.Failure, want)
	}
}

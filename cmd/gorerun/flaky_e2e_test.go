package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestE2EHistoryAndFlakyReport(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	// TestWholeGroup, TestPrefix (basic) and TestOther (other) fail in
	// attempt 1 of every run and pass on the rerun: they flake every run.
	// The first run is live; the other four read its --jsonfile back
	// (recorded streams are recorded in the history too), which spares
	// eight go test processes.
	events := filepath.Join(state, "events.jsonl")
	for i := 1; i <= 5; i++ {
		args := []string{"--input", events}
		if i == 1 {
			args = []string{"--rerun-class-max=1", "--rerun-delay=0", "--jsonfile", events, "./basic", "./other"}
		}
		r := gorerunState(t, state, args...)
		r.expectCode(t, 0)
		hint := "gorerun: example.com/e2e/basic TestWholeGroup flaked in 5 of the last 5 runs"
		if got := strings.Contains(r.stdout, hint); got != (i == 5) {
			t.Errorf("run %d: hint shown %v\n%s", i, got, r.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(state, "cache", "history.db")); err != nil {
		t.Fatalf("no history database: %v", err)
	}
	// In CI the step summary gets the flakiest groups of the history.
	summary := filepath.Join(state, "summary.md")
	gorerunState(t, state, "--summary-md", summary, "./other", "--", "-run", "TestSkipped")
	b, _ := os.ReadFile(summary)
	if !strings.Contains(string(b), "### Flakiest groups in the history") || !strings.Contains(string(b), "| `TestOther` | `example.com/e2e/other` | 100% | 5 / 5 |") {
		t.Errorf("step summary:\n%s", b)
	}
	f := gorerun(t, fixture("e2e"), nil, "", "flaky", "--cache-dir", filepath.Join(state, "cache"))
	f.expectCode(t, 0)
	f.expectOutput(t, "RATE  FLAKES  RUNS  FAILED  GROUP", "100%  5       5     0       TestOther")
	if strings.Contains(f.stdout, "TestStable") {
		t.Errorf("a group that never flaked is listed:\n%s", f.stdout)
	}
	j := gorerun(t, fixture("e2e"), nil, "", "flaky", "--cache-dir", filepath.Join(state, "cache"), "--json", "--since", "30d")
	var stats []struct {
		Group              string
		Runs, Flakes, Hard int
		MeanAttempts       float64
	}
	if err := json.Unmarshal([]byte(j.stdout), &stats); err != nil || len(stats) != 3 {
		t.Fatalf("flaky --json: %v\n%s", err, j.stdout)
	}
	for _, s := range stats {
		if s.Runs != 5 || s.Flakes != 5 || s.Hard != 0 || s.MeanAttempts != 2 {
			t.Errorf("%+v", s)
		}
	}
	// --no-history records nothing.
	other := t.TempDir()
	r := gorerunState(t, other, "--no-history", "./other", "--", "-run", "TestSkipped")
	r.expectCode(t, 0)
	if _, err := os.Stat(filepath.Join(other, "cache", "history.db")); !os.IsNotExist(err) {
		t.Errorf("--no-history wrote a database: %v", err)
	}
}

func TestE2EHistoryImportPruneAndConcurrentRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	stream, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "streams", "ok.jsonl"))
	// Four runs at once, one database: nothing lost.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(binary, "--input", stream, "--history", db)
			out, err := cmd.CombinedOutput()
			// ok.jsonl has one failing test: exit 1, nothing else.
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Errorf("a concurrent run: %v, want exit 1\n%s", err, out)
			}
		}()
	}
	wg.Wait()
	countRuns := func() int {
		j := gorerun(t, dir, nil, "", "flaky", "--history", db, "--json", "--min-runs", "1", "--quarantine", qfile(t, dir, "example.com/shapes/ok TestPass"))
		var stats []struct {
			Group string
			Runs  int
		}
		json.Unmarshal([]byte(j.stdout), &stats)
		for _, s := range stats {
			if s.Group == "TestPass" {
				return s.Runs
			}
		}
		return 0
	}
	if n := countRuns(); n != 4 {
		t.Errorf("%d runs recorded by 4 concurrent runs", n)
	}
	// CI artifacts imported twice count once.
	report := filepath.Join(dir, "r.xml")
	gorerun(t, dir, nil, "", "--input", stream, "--junitfile", report, "--no-history")
	imp := gorerun(t, dir, nil, "", "history", "import", "--history", db, report, stream)
	imp.expectCode(t, 0)
	imp.expectOutput(t, "gorerun: imported 2 files into "+db+" (0 already there)")
	imp = gorerun(t, dir, nil, "", "history", "import", "--history", db, report, stream)
	imp.expectOutput(t, "gorerun: imported 0 files into "+db+" (2 already there)")
	if n := countRuns(); n != 6 {
		t.Errorf("%d runs after importing 2 files twice, want 6", n)
	}
	p := gorerun(t, dir, nil, "", "history", "prune", "--history", db, "--keep", "0d", "--all")
	p.expectCode(t, 0)
	p.expectOutput(t, "gorerun: pruned 6 runs older than 0s from "+db)
}

func qfile(t *testing.T, dir, content string) string {
	t.Helper()
	path := filepath.Join(dir, "quarantine.txt")
	if err := os.WriteFile(path, []byte(content+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestE2EQuarantine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	q := qfile(t, dir, "# being fixed in #123\nexample.com/e2e/always TestAlwaysFails  // flaky for good\nexample.com/e2e/... TestNothing*")
	report := filepath.Join(dir, "r.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--quarantine", q, "--junitfile", report, "./always", "./other", "--", "-run", "TestAlwaysFails|TestSkipped")
	r.expectCode(t, 0)
	r.expectOutput(t, "=== Quarantined (their failures do not fail the run)", "=== QUARANTINED FAIL: always TestAlwaysFails")
	if strings.Contains(r.stdout, "=== Failed") {
		t.Errorf("a quarantined group is listed as failed:\n%s", r.stdout)
	}
	ts := readJUnit(t, report)
	found := false
	for _, s := range ts.Suites {
		for _, p := range s.Properties {
			if p.Name == "gorerun.quarantined" && p.Value == "TestAlwaysFails" && strings.HasSuffix(s.Name, "always") {
				found = true
			}
		}
	}
	if !found || ts.Failures == 0 {
		t.Errorf("the report lacks the quarantine property or lost the failure: %+v", ts.Suites)
	}
	// A failure that is not quarantined still fails the run.
	r = gorerun(t, fixture("e2e"), nil, "", "--quarantine", q, "./always", "./other")
	r.expectCode(t, 1)
	r.expectOutput(t, "=== FAIL: other TestOther")

	// --quarantine-auto: groups that flake in more than 30% of their runs.
	// Three runs in the history: one live, two reading its --jsonfile back.
	state := t.TempDir()
	events := filepath.Join(state, "events.jsonl")
	gorerunState(t, state, "--rerun-class-max=1", "--rerun-delay=0", "--jsonfile", events, "./other")
	for range 2 {
		gorerunState(t, state, "--input", events)
	}
	r = gorerunState(t, state, "--quarantine-auto", "0.3", "--min-runs", "3", "./other")
	r.expectCode(t, 0)
	r.expectOutput(t, "=== QUARANTINED FAIL: other TestOther")

	for _, bad := range []struct {
		content, want string
	}{
		{"just-one-field", "want \"package TestGroup\""},
		{"example.com/x Test[", "bad pattern"},
	} {
		r := gorerun(t, fixture("e2e"), nil, "", "--quarantine", qfile(t, t.TempDir(), bad.content), "./other")
		r.expectCode(t, 2)
		r.expectOutput(t, bad.want)
	}
}

func TestE2EHunt(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "--hunt", "3", "./pattern")
	r.expectCode(t, 1)
	r.expectOutput(t, "gorerun: hunt 3/3: 2 groups in fresh processes",
		"=== FLAKY: example.com/e2e/pattern TestEveryThird failed 1 of 3 runs (first in run 3)", "fails in every third attempt",
		"HUNT 2 groups × 3 runs: 1 failed at least once")
	// Each run is a fresh process that runs the group once.
	r.expectCounts(t, map[string]int{"pattern.everythird": 3, "pattern.steady": 3})
	r = gorerun(t, fixture("e2e"), nil, "", "--hunt", "2", "./pattern", "--", "-run", "TestSteady")
	r.expectCode(t, 0)
	r.expectOutput(t, "HUNT 1 groups × 2 runs: 0 failed at least once")
}

func TestE2EHuntChanged(t *testing.T) {
	t.Parallel()
	mod := copyModule(t, "watchme")
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
		cmd.Dir = mod
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	appendTo(t, filepath.Join(mod, "a", "a_test.go"), "\nfunc TestNew(t *testing.T) {}\n")
	r := gorerun(t, mod, nil, "", "--debug", "--hunt", "2", "--hunt-changed", "HEAD", "./...")
	r.expectCode(t, 0)
	r.expectOutput(t, "HUNT 2 groups × 2 runs: 0 failed at least once")
	// --debug shows the commands of the hunt: the changed package's test
	// binary is built once, each run runs it in a fresh process selecting
	// the changed file's tests, and no command runs the package whose test
	// file did not change (TestHang would hang the hunt).
	var builds, runs []string
	for _, line := range strings.Split(r.stderr, "\n") {
		switch {
		case strings.Contains(line, "took"):
		case strings.HasPrefix(line, "gorerun: debug: go test"):
			builds = append(builds, line)
		case strings.Contains(line, ".test -test.paniconexit0"):
			runs = append(runs, line)
		}
	}
	if len(builds) != 1 || !strings.Contains(builds[0], "go test -c ") || !strings.HasSuffix(builds[0], " example.com/watchme/a") {
		t.Fatalf("go test commands %q, want one go test -c of the changed package:\n%s", builds, r.stderr)
	}
	if len(runs) != 2 {
		t.Fatalf("%d test binary processes, want one per run:\n%s", len(runs), r.stderr)
	}
	for _, run := range runs {
		if !strings.Contains(run, "-test.run=^(?:TestA|TestNew)$ (in ") || !strings.HasSuffix(run, "/a)") || strings.Contains(run, "watchme_hang") {
			t.Errorf("a hunt run selects other tests: %s", run)
		}
	}
	r = gorerun(t, mod, nil, "", "--hunt", "1", "--hunt-changed", "no-such-rev", "./...")
	if r.code == 0 || !strings.Contains(r.stderr, "--hunt-changed no-such-rev") {
		t.Errorf("a bad revision: exit %d\n%s", r.code, r.stderr)
	}
}

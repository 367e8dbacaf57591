package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gorerun/gorerun/internal/testutil/pgtest"
)

// pg is the PostgreSQL server of the end-to-end tests, started by the
// first test that needs one and stopped by TestMain.
var pg pgtest.Shared

// flakyStats is `gorerun flaky --json` of a history, by group.
func flakyStats(t *testing.T, history string) map[string][2]int {
	t.Helper()
	r := gorerun(t, fixture("e2e"), nil, "", "flaky", "--history", history, "--json", "--min-runs", "1")
	r.expectCode(t, 0)
	var stats []struct {
		Group        string
		Runs, Flakes int
	}
	if err := json.Unmarshal([]byte(r.stdout), &stats); err != nil {
		t.Fatalf("flaky --json: %v\n%s", err, r.stdout)
	}
	out := map[string][2]int{}
	for _, s := range stats {
		out[s.Group] = [2]int{s.Runs, s.Flakes}
	}
	return out
}

// TestE2EHistoryOnSharedPostgres: four machines, three runs each, at once,
// into one PostgreSQL database: every run is counted exactly once, an
// imported report once however often it is imported, and
// --quarantine-auto reads the shared history.
func TestE2EHistoryOnSharedPostgres(t *testing.T) {
	t.Parallel()
	url := pg.DB(t)
	state := t.TempDir()
	// TestOther fails in attempt 1 and passes on the rerun: a flake in
	// every run. One live run records the stream the machines replay
	// (recorded streams are recorded in the history like live runs).
	events, report := filepath.Join(state, "events.jsonl"), filepath.Join(state, "report.xml")
	gorerunState(t, state, "--no-history", "--rerun-class-max=1", "--rerun-delay=0", "--jsonfile", events, "--junitfile", report, "./other").expectCode(t, 0)
	var wg sync.WaitGroup
	for m := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 {
				r := execIn(t, fixture("e2e"), t.TempDir(), []string{"GORERUN_HISTORY=" + url}, "", "--input", events)
				if r.code != 0 || r.stderr != "" {
					t.Errorf("machine %d, run %d: exit %d\n%s", m, i, r.code, r.stderr)
				}
			}
		}()
	}
	wg.Wait()
	// gorerun flaky reads GORERUN_HISTORY as the runs did.
	env := execIn(t, fixture("e2e"), t.TempDir(), []string{"GORERUN_HISTORY=" + url}, "", "flaky", "--json", "--min-runs", "1")
	if env.code != 0 || !strings.Contains(env.stdout, `"Runs": 12`) {
		t.Errorf("flaky with GORERUN_HISTORY: exit %d\n%s%s", env.code, env.stdout, env.stderr)
	}
	if got := flakyStats(t, url)["TestOther"]; got != [2]int{12, 12} {
		t.Errorf("TestOther: %d runs, %d flakes; want 12 and 12", got[0], got[1])
	}
	// history import of the same report twice, as two CI jobs would.
	for i, want := range []string{"imported 1 files", "imported 0 files"} {
		r := gorerun(t, fixture("e2e"), nil, "", "history", "import", "--history", url, report)
		r.expectCode(t, 0)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("import %d: %s", i+1, r.stdout)
		}
	}
	if got := flakyStats(t, url)["TestOther"]; got[0] != 13 {
		t.Errorf("after importing one report twice: %d runs, want 13", got[0])
	}
	// --quarantine-auto reads the shared history: TestOther flakes in
	// every run, so its failure (no rerun here) does not fail the run.
	r := gorerunState(t, t.TempDir(), "--history", url, "--quarantine-auto", "0.5", "--min-runs", "3", "./other")
	r.expectCode(t, 0)
	r.expectOutput(t, "=== QUARANTINED FAIL: other TestOther")
	// export of the shared store
	csv := filepath.Join(state, "h.csv")
	gorerun(t, fixture("e2e"), nil, "", "history", "export", "--history", url, "--format", "csv", "-o", csv).expectCode(t, 0)
	b, err := os.ReadFile(csv)
	if err != nil || !strings.HasPrefix(string(b), "run,started,module,commit,branch,source,interrupted,package,group,attempt,outcome") {
		t.Errorf("export: %v\n%.300s", err, b)
	}
}

// TestE2EHistoryUnreachable: a database that refuses the connection costs
// the run nothing but a warning naming the consequence: the tests' exit
// code, the JUnit report and the HTML page as without a history, and the
// password in the URL printed nowhere.
func TestE2EHistoryUnreachable(t *testing.T) {
	t.Parallel()
	srv := pg.Get(t) // a server, so that only the port is wrong
	url := fmt.Sprintf("postgres://gorerun:s3cret@127.0.0.1:%d/nowhere?sslmode=disable", srv.Port()+1)
	dir := t.TempDir()
	report, page := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.html")
	r := gorerunState(t, dir, "--history", url, "--quarantine-auto", "0.5", "--rerun-class-max=1", "--rerun-delay=0",
		"--junitfile", report, "--html", page, "./other")
	r.expectCode(t, 0)
	for _, want := range []string{"no group quarantined from history", "history not recorded", "postgres://gorerun:xxxxx@127.0.0.1"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	readJUnit(t, report)
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "the HTML report": string(html)} {
		if strings.Contains(text, "s3cret") {
			t.Errorf("%s shows the password", name)
		}
	}
}

// TestE2EHistoryPush: runs recorded without a network go to the shared
// history afterwards, once however often they are pushed.
func TestE2EHistoryPush(t *testing.T) {
	t.Parallel()
	url := pg.DB(t)
	state := t.TempDir()
	events := filepath.Join(state, "events.jsonl")
	gorerunState(t, state, "--rerun-class-max=1", "--rerun-delay=0", "--jsonfile", events, "./other").expectCode(t, 0)
	gorerunState(t, state, "--input", events).expectCode(t, 0)
	local := filepath.Join(state, "cache", "history.db")
	for i, want := range []string{"pushed 2 runs", "pushed 0 runs"} {
		r := gorerun(t, fixture("e2e"), nil, "", "history", "push", "--history", local, "--to", url)
		r.expectCode(t, 0)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("push %d: %s", i+1, r.stdout)
		}
	}
	if got := flakyStats(t, url)["TestOther"]; got != [2]int{2, 2} {
		t.Errorf("TestOther after the push: %v runs and flakes, want 2 and 2", got)
	}
}

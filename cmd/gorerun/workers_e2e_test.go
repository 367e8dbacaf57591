package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// pid reads the process a fixture group ran in, in an attempt.
func (r result) pid(t *testing.T, group string, attempt int) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.state, fmt.Sprintf("pid.%s.%d", group, attempt)))
	if err != nil {
		t.Fatalf("group %s did not run in attempt %d: %v", group, attempt, err)
	}
	return string(b)
}

// onlyOnce fails unless every testcase of the report appears exactly once,
// and returns their sorted names.
func onlyOnce(t *testing.T, path string) []string {
	t.Helper()
	names := testcaseNames(t, readJUnit(t, path))
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			t.Errorf("%s: testcase %s appears more than once", path, names[i])
		}
	}
	return names
}

func TestE2EWorkersRerunWholeGroups(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	report, events := filepath.Join(dir, "r.xml"), filepath.Join(dir, "events.jsonl")
	r := gorerun(t, fixture("e2e"), nil, "", "--workers", "4", "--rerun-class-max=1", "--rerun-delay=0",
		"--junitfile", report, "--jsonfile", events, "./workers", "--", "-count=1")
	r.expectCode(t, 0)
	r.expectOutput(t, "rerun 1/1: 2 failed groups in 1 package after 0s", "DONE 2 runs, 32 tests, 2 flaky")
	// One line for the package in attempt 1, although four processes ran it.
	if n := len(regexp.MustCompile(`(?m)^✖  workers \(`).FindAllString(r.stdout, -1)); n != 1 {
		t.Errorf("%d package lines for attempt 1, want 1:\n%s", n, r.stdout)
	}
	// Groups dealt round-robin in go test's order: W1 and W5 on worker 1,
	// W2 and W6 on worker 2, ...; a group's steps stay in one process.
	for i := 1; i <= 4; i++ {
		a, b := fmt.Sprintf("W%d", i), fmt.Sprintf("W%d", i+4)
		if r.pid(t, a, 1) != r.pid(t, b, 1) {
			t.Errorf("%s and %s ran in different processes, want one worker", a, b)
		}
		if i > 1 && r.pid(t, a, 1) == r.pid(t, "W1", 1) {
			t.Errorf("%s ran on W1's worker", a)
		}
	}
	// The flaky group and the incremental one rerun whole, in one process.
	r.expectCounts(t, map[string]int{"workers.W3": 6, "workers.W5": 5, "workers.W1": 3, "workers.W8": 3})
	if r.pid(t, "W3", 2) != r.pid(t, "W5", 2) {
		t.Error("the rerun round used more than one process for one package")
	}
	names := onlyOnce(t, report)
	if len(names) != 32 {
		t.Errorf("%d testcases, want 32 (8 groups of a parent and 3 steps)", len(names))
	}
	ts := readJUnit(t, report)
	if len(ts.Suites) != 1 || ts.Tests != 32 || ts.Failures != 0 {
		t.Errorf("suites %d tests %d failures %d, want one suite of 32 passing", len(ts.Suites), ts.Tests, ts.Failures)
	}
	for _, name := range []string{"TestW3/step2", "TestW5/step2"} {
		if tc := testcase(t, ts, "workers", name); len(tc.FlakyFailures) != 1 {
			t.Errorf("%s: %d flakyFailure elements, want 1", name, len(tc.FlakyFailures))
		}
	}
	// Testcases in go test's order, as one process would have run them.
	var order []string
	for _, tc := range ts.Suites[0].Testcases {
		if !strings.Contains(tc.Name, "/") {
			order = append(order, tc.Name)
		}
	}
	if want := []string{"TestW1", "TestW2", "TestW3", "TestW4", "TestW5", "TestW6", "TestW7", "TestW8"}; !reflect.DeepEqual(order, want) {
		t.Errorf("groups in order %v, want %v", order, want)
	}
	// --jsonfile tags each worker's events; read back, it gives the same report.
	b, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	for w := 1; w <= 4; w++ {
		if !strings.Contains(string(b), fmt.Sprintf(`{"Attempt":1,"Worker":%d,`, w)) {
			t.Errorf("--jsonfile has no event of worker %d", w)
		}
	}
	again := filepath.Join(dir, "again.xml")
	in := gorerun(t, fixture("e2e"), nil, "", "--input", events, "--junitfile", again)
	in.expectCode(t, 0)
	in.expectOutput(t, "32 tests, 2 flaky")
	if n := strings.Count(in.stdout, "  workers ("); n != 2 {
		t.Errorf("--input of a workers' stream printed %d package lines, want 2 (one per attempt):\n%s", n, in.stdout)
	}
	if got := onlyOnce(t, again); !reflect.DeepEqual(got, names) {
		t.Errorf("--input of the --jsonfile gives testcases\n%v\nwant\n%v", got, names)
	}
}

func TestE2EWorkersIncrementalWithoutReruns(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "r.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--workers", "3", "--junitfile", report, "./workers", "--", "-count=1")
	r.expectCode(t, 1)
	r.expectOutput(t, `TestW5/step3: previous step "step2" failed`, "DONE 32 tests, 1 skipped, 4 failures")
	ts := readJUnit(t, report)
	if tc := testcase(t, ts, "workers", "TestW5/step3"); tc.Skipped == nil {
		t.Errorf("TestW5/step3 after a failed step: %+v, want skipped", tc)
	}
	// TestMain ran once per worker: listing the groups ran no test binary.
	r.expectCounts(t, map[string]int{"workers.W5": 2, "workers.main": 3})
	onlyOnce(t, report)
}

func TestE2EWorkersCrashAffectsOnlyItsWorker(t *testing.T) {
	t.Parallel()
	report := filepath.Join(t.TempDir(), "r.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--workers", "2", "--rerun-class-max=1", "--rerun-delay=0",
		"--junitfile", report, "./workerscrash", "--", "-count=1")
	r.expectCode(t, 0)
	r.expectOutput(t, "workerscrash TestB crashed the test binary; running the 1 group that never started",
		"=== FLAKY: workerscrash TestB passed on attempt 2")
	// TestD, on the crashed worker, ran once in a process of its own;
	// TestA and TestC, on the other worker, ran once.
	r.expectCounts(t, map[string]int{"workerscrash.A": 1, "workerscrash.B": 2, "workerscrash.C": 1, "workerscrash.D": 1})
	if got := onlyOnce(t, report); len(got) != 4 {
		t.Errorf("testcases %v, want TestA to TestD once each", got)
	}
	ts := readJUnit(t, report)
	if tc := testcase(t, ts, "workerscrash", "TestB"); len(tc.FlakyErrors) != 1 {
		t.Errorf("TestB: %+v, want one flakyError", tc)
	}
}

func TestE2EShardByGroupCoversEveryGroupOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pkgs := []string{"./workers", "./workerscrash", "./basic"}
	whole := filepath.Join(dir, "whole.xml")
	// Every run shares one state: one cache directory, so one history that
	// grows with each shard's run, as in a checkout that runs its shards
	// one after another. The plan must not change with it.
	state := t.TempDir()
	execIn(t, fixture("e2e"), state, nil, "", append([]string{"--junitfile", whole}, pkgs...)...)
	want := onlyOnce(t, whole)
	// Three shards, one after another, each adding to the history.
	const n = 3
	var reports, got []string
	for k := 1; k <= n; k++ {
		report := filepath.Join(dir, fmt.Sprintf("shard%d-%d.xml", k, n))
		r := execIn(t, fixture("e2e"), state, nil, "", append([]string{"--shard", fmt.Sprintf("%d/%d", k, n), "--shard-by", "group",
			"--junitfile", report}, pkgs...)...)
		r.expectOutput(t, fmt.Sprintf("shard %d/%d by group:", k, n))
		if r.code != 0 && r.code != 1 {
			t.Fatalf("shard %d/%d: exit %d\n%s%s", k, n, r.code, r.stdout, r.stderr)
		}
		got = append(got, onlyOnce(t, report)...)
		reports = append(reports, report)
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%d shards by group ran\n%v\nwant every testcase of one run once:\n%v", n, got, want)
	}
	merged := filepath.Join(dir, "merged.xml")
	m := gorerun(t, fixture("e2e"), nil, "", append([]string{"merge", "-o", merged}, reports...)...)
	m.expectCode(t, 0)
	ts := readJUnit(t, merged)
	if len(ts.Suites) != len(pkgs) {
		t.Errorf("merged report has %d testsuites, want one per package (%d)", len(ts.Suites), len(pkgs))
	}
	if got := onlyOnce(t, merged); !reflect.DeepEqual(got, want) {
		t.Errorf("merged shards differ from one run:\n%v\n%v", got, want)
	}
	// The plan names whole groups, the same on every machine.
	plan := gorerun(t, fixture("e2e"), nil, "", append([]string{"shard-plan", "--shards", "2", "--by", "group", "--json"}, pkgs...)...)
	plan.expectCode(t, 0)
	var shards []struct {
		Groups []string `json:"groups"`
	}
	if err := json.Unmarshal([]byte(plan.stdout), &shards); err != nil || len(shards) != 2 {
		t.Fatalf("shard-plan --json: %v\n%s", err, plan.stdout)
	}
	if n := len(shards[0].Groups) + len(shards[1].Groups); n != 8+4+4 {
		t.Errorf("plan has %d groups, want 16", n)
	}
}

func TestE2EWorkersUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--workers", "0", "./workers"}, `--workers "0": must be auto or a number from 1 to 256`},
		{[]string{"--workers", "many", "./workers"}, `--workers "many"`},
		{[]string{"--shard", "1/2", "--shard-by", "test", "./workers"}, `--shard-by "test": must be package or group`},
		{[]string{"--shard-by", "group", "./workers"}, "--shard-by group says how --shard K/N splits: give --shard K/N too"},
		{[]string{"--workers", "2", "--input", "x.json"}, "--workers runs go test: it cannot be used with --input"},
		{[]string{"shard-plan", "--shards", "2", "--by", "file"}, `--by "file": must be package or group`},
	} {
		expectRefused(t, tc.want, tc.args...)
	}
}

// expectRefused runs gorerun on the e2e fixture and requires exit 2 with
// want in the output.
func expectRefused(t *testing.T, want string, args ...string) {
	t.Helper()
	r := gorerun(t, fixture("e2e"), nil, "", args...)
	r.expectCode(t, 2)
	r.expectOutput(t, want)
}

// A crash in a run that selected some groups (--last-failed, a shard by
// group) lists as not run only the selected groups that never started,
// not the groups the run left out on purpose.
func TestE2ECrashInASelectionListsOnlySelectedGroups(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	first := gorerunState(t, state, "./crashalways")
	first.expectCode(t, 1)
	report := filepath.Join(t.TempDir(), "r.xml")
	again := gorerunState(t, state, "--last-failed", "--junitfile", report, "./crashalways")
	again.expectCode(t, 1)
	if strings.Contains(again.stdout, "NOT RUN") {
		t.Errorf("--last-failed ran only TestCrash, yet reports groups it did not select as not run:\n%s", again.stdout)
	}
	if got := onlyOnce(t, report); len(got) != 1 {
		t.Errorf("testcases %v, want TestCrash only", got)
	}
}

// Test binary arguments after -args stay the binary's, and the package's
// workers still end in one line.
func TestE2EWorkersWithTestBinaryArgs(t *testing.T) {
	t.Parallel()
	r := gorerun(t, fixture("e2e"), nil, "", "--workers", "2", "./workers", "--", "-count=1", "-args", "-test.v=true")
	r.expectCode(t, 1)
	if n := len(regexp.MustCompile(`(?m)^✖  workers \(`).FindAllString(r.stdout, -1)); n != 1 {
		t.Errorf("%d package lines, want 1:\n%s", n, r.stdout)
	}
	r.expectOutput(t, "DONE 32 tests")
}

// TestE2ECoverageOfEveryProcess: with --workers and reruns every go test
// process writes a profile of its own, merged into the file the user
// named: per function, the coverage plain go test reports.
func TestE2ECoverageOfEveryProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain, merged := filepath.Join(dir, "plain.out"), filepath.Join(dir, "merged.out")
	cmd := exec.Command("go", "test", "-count=1", "-coverprofile="+plain, "./covered")
	cmd.Dir = fixture("e2e")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("plain go test: %v\n%s", err, out)
	}
	r := gorerun(t, fixture("e2e"), nil, "", "--debug", "--workers", "2", "--rerun-class-max=1", "--rerun-delay=0", "./covered", "--", "-coverprofile="+merged)
	r.expectCode(t, 0)
	r.expectOutput(t, "TestFlaky")
	// The workers and the rerun ran the package's one kept binary, each
	// process writing a profile of its own.
	if n := strings.Count(r.stderr, "covered.pkg.test -test.paniconexit0 -test.timeout=10m0s -test.v=test2json"); n != 3 ||
		strings.Count(r.stderr, "-test.coverprofile=") < 3 {
		t.Errorf("want two workers and a rerun of the kept binary, each with a profile:\n%s", r.stderr)
	}
	funcs := func(profile string) string {
		cmd := exec.Command("go", "tool", "cover", "-func="+profile)
		cmd.Dir = fixture("e2e")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go tool cover -func=%s: %v\n%s", profile, err, out)
		}
		return string(out)
	}
	want, got := funcs(plain), funcs(merged)
	if got != want {
		t.Errorf("coverage differs from plain go test:\ngorerun:\n%s\ngo test:\n%s", got, want)
	}
}

package grouping

import (
	"reflect"
	"regexp"
	"testing"
)

func TestPattern(t *testing.T) {
	type testCase struct {
		names   []string
		match   []string
		nomatch []string
	}
	run := func(t *testing.T, tc testCase) {
		re := regexp.MustCompile(Pattern(tc.names))
		for _, m := range tc.match {
			if !re.MatchString(m) {
				t.Errorf("%s does not match %q", re, m)
			}
		}
		for _, m := range tc.nomatch {
			if re.MatchString(m) {
				t.Errorf("%s matches %q", re, m)
			}
		}
	}
	testCases := []testCase{
		{[]string{"TestPrefix"}, []string{"TestPrefix"}, []string{"TestPrefixLonger", "XTestPrefix"}},
		{[]string{"TestA", "TestB"}, []string{"TestA", "TestB"}, []string{"TestAB", "TestC"}},
		{[]string{"Test.*[x]+(y)"}, []string{"Test.*[x]+(y)"}, []string{"TestAxy", "Test.*x(y)"}},
		{[]string{"TestÜñí"}, []string{"TestÜñí"}, []string{"TestUni"}},
		{[]string{"Test|Or"}, []string{"Test|Or"}, []string{"Test", "Or"}},
	}
	for _, tc := range testCases {
		t.Run(tc.names[0], func(t *testing.T) { run(t, tc) })
	}
}

func attempt(n int, pkgs ...*Package) *Attempt { return &Attempt{Number: n, Packages: pkgs} }

func pkg(path string, attempt int, st PackageStatus, completed bool, groups ...*Group) *Package {
	p := &Package{ImportPath: path, Attempt: attempt, Status: st, Completed: completed, Groups: groups, groups: map[string]*Group{}}
	for _, g := range groups {
		p.groups[g.Name] = g
	}
	return p
}

func group(name string, st Status) *Group {
	return &Group{Name: name, Tests: []*Test{{Name: name, Status: st}}}
}

func TestPlan(t *testing.T) {
	type testCase struct {
		name    string
		report  *Report
		opts    PlanOptions
		want    []Rerun
		refused bool
		counts  [2]int // failed, never started; checked when set
	}
	run := func(t *testing.T, tc testCase) {
		got := Plan(tc.report, tc.opts)
		if !reflect.DeepEqual(got.Reruns, tc.want) {
			t.Errorf("Reruns = %+v, want %+v", got.Reruns, tc.want)
		}
		if tc.counts != [2]int{} && [2]int{got.Failed, got.NeverStarted} != tc.counts {
			t.Errorf("failed, never started = %d, %d; want %v", got.Failed, got.NeverStarted, tc.counts)
		}
		if (got.Refused != "") != tc.refused {
			t.Errorf("Refused = %q", got.Refused)
		}
	}
	opts := PlanOptions{MaxReruns: 2, MaxFailures: 10}
	testCases := []testCase{
		{
			name: "failed groups of a package batched in one rerun",
			report: &Report{Attempts: []*Attempt{attempt(1,
				pkg("m/a", 1, PackageFail, true, group("TestA", Pass), group("TestB", Fail), group("TestC", Fail)),
				pkg("m/b", 1, PackagePass, true, group("TestD", Pass)))}},
			opts: opts,
			want: []Rerun{{Package: "m/a", Run: []string{"TestB", "TestC"}}},
		},
		{
			name: "a crasher reruns alone",
			report: &Report{Attempts: []*Attempt{attempt(1,
				pkg("m/a", 1, PackageFail, false, group("TestA", Pass), group("TestB", Error)))}},
			opts:   opts,
			want:   []Rerun{{Package: "m/a", Run: []string{"TestB"}}},
			counts: [2]int{1, 0},
		},
		{
			name: "a crash outside any test reruns what has not passed",
			report: &Report{Attempts: []*Attempt{attempt(1,
				pkg("m/a", 1, PackageFail, false, group("TestA", Pass)))}},
			opts:   opts,
			want:   []Rerun{{Package: "m/a", Skip: []string{"TestA"}}},
			counts: [2]int{1, 0},
		},
		{
			name: "crashed groups rerun in processes of their own",
			report: &Report{Attempts: []*Attempt{attempt(1,
				pkg("m/a", 1, PackageFail, true, group("TestA", Fail), group("TestB", Error), group("TestC", Error), group("TestD", NotRun), group("TestE", Pass)))}},
			opts: opts,
			want: []Rerun{{Package: "m/a", Run: []string{"TestA", "TestD"}}, {Package: "m/a", Run: []string{"TestB"}},
				{Package: "m/a", Run: []string{"TestC"}}},
			counts: [2]int{3, 1},
		},
		{
			name:   "failure without a failing test reruns the package",
			report: &Report{Attempts: []*Attempt{attempt(1, pkg("m/a", 1, PackageFail, true, group("TestA", Pass)))}},
			opts:   opts,
			want:   []Rerun{{Package: "m/a"}},
		},
		{
			name:   "build failures are never rerun",
			report: &Report{Attempts: []*Attempt{attempt(1, pkg("m/a", 1, PackageBuildFailed, false))}},
			opts:   opts,
		},
		{
			name: "only groups still failing are rerun",
			report: &Report{Attempts: []*Attempt{
				attempt(1, pkg("m/a", 1, PackageFail, true, group("TestA", Fail), group("TestB", Fail))),
				attempt(2, pkg("m/a", 2, PackageFail, true, group("TestA", Pass), group("TestB", Fail)))}},
			opts: opts,
			want: []Rerun{{Package: "m/a", Run: []string{"TestB"}}},
		},
		{
			name: "no rounds past the maximum",
			report: &Report{Attempts: []*Attempt{
				attempt(1, pkg("m/a", 1, PackageFail, true, group("TestA", Fail))),
				attempt(2, pkg("m/a", 2, PackageFail, true, group("TestA", Fail))),
				attempt(3, pkg("m/a", 3, PackageFail, true, group("TestA", Fail)))}},
			opts: opts,
		},
		{
			name: "max failures guard",
			report: &Report{Attempts: []*Attempt{attempt(1,
				pkg("m/a", 1, PackageFail, true, group("TestA", Fail), group("TestB", Fail)))}},
			opts:    PlanOptions{MaxReruns: 2, MaxFailures: 1},
			refused: true,
		},
		{
			name: "exactly max failures still reruns",
			report: &Report{Attempts: []*Attempt{attempt(1,
				pkg("m/a", 1, PackageFail, true, group("TestA", Fail)))}},
			opts: PlanOptions{MaxReruns: 1, MaxFailures: 1},
			want: []Rerun{{Package: "m/a", Run: []string{"TestA"}}},
		},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestReportHistory(t *testing.T) {
	r := &Report{Attempts: []*Attempt{
		attempt(1, pkg("m/a", 1, PackageFail, true, group("TestFlaky", Fail), group("TestBad", Fail), group("TestOK", Pass))),
		attempt(2, pkg("m/a", 2, PackageFail, true, group("TestFlaky", Pass), group("TestBad", Fail))),
	}}
	c := r.Counts()
	want := Counts{Tests: 3, Passed: 2, Flaky: 1, Failed: 1, Groups: 3, FailedGroups: 1, FlakyGroups: 1, Runs: 2}
	if c != want {
		t.Errorf("Counts = %+v, want %+v", c, want)
	}
	if !r.Failed() {
		t.Error("report with a failing group did not fail")
	}
	ph := r.Packages()[0]
	if len(ph.Groups[0].Runs) != 2 || !ph.Groups[0].Flaky() || ph.Groups[1].Flaky() || ph.Groups[2].Flaky() {
		t.Errorf("histories wrong: %+v", ph.Groups)
	}
}

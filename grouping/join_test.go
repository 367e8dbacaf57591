package grouping

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// part is one worker's stream of package p: the named groups with their
// results, then the package's end.
func part(t *testing.T, worker int, end string, groups ...string) *Package {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"Action":"start","Package":"p"}` + "\n")
	for _, g := range groups {
		name, result, _ := strings.Cut(g, ":")
		fmt.Fprintf(&b, `{"Action":"run","Package":"p","Test":%q}`+"\n", name)
		fmt.Fprintf(&b, `{"Action":"run","Package":"p","Test":%q}`+"\n", name+"/step")
		fmt.Fprintf(&b, `{"Action":%q,"Package":"p","Test":%q,"Elapsed":1}`+"\n", result, name+"/step")
		fmt.Fprintf(&b, `{"Action":%q,"Package":"p","Test":%q,"Elapsed":1}`+"\n", result, name)
	}
	if end == "crash" {
		b.WriteString(`{"Action":"fail","Package":"p","Elapsed":0.5}` + "\n")
	} else {
		if end == "pass" {
			b.WriteString(`{"Action":"output","Package":"p","Output":"PASS\n"}` + "\n")
		} else {
			b.WriteString(`{"Action":"output","Package":"p","Output":"FAIL\n"}` + "\n")
		}
		fmt.Fprintf(&b, `{"Action":%q,"Package":"p","Elapsed":%d}`+"\n", end, worker)
	}
	a := trackString(t, b.String(), Options{Attempt: 1, Worker: worker})
	return a.Packages[0]
}

func TestJoinPackages(t *testing.T) {
	rank := map[string]int{"TestA": 0, "TestB": 1, "TestC": 2, "TestD": 3}
	for _, tc := range []struct {
		name      string
		parts     func(t *testing.T) []*Package
		status    PackageStatus
		completed bool
		groups    []string
	}{
		{"all pass: passed, in go test's order", func(t *testing.T) []*Package {
			return []*Package{part(t, 1, "pass", "TestA:pass", "TestC:pass"), part(t, 2, "pass", "TestB:pass", "TestD:pass")}
		}, PackagePass, true, []string{"TestA", "TestB", "TestC", "TestD"}},
		{"one part fails: failed", func(t *testing.T) []*Package {
			return []*Package{part(t, 1, "pass", "TestA:pass"), part(t, 2, "fail", "TestB:fail")}
		}, PackageFail, true, []string{"TestA", "TestB"}},
		{"one part crashed: the package did not complete", func(t *testing.T) []*Package {
			return []*Package{part(t, 1, "crash", "TestC:pass"), part(t, 2, "pass", "TestA:pass")}
		}, PackageFail, false, []string{"TestA", "TestC"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := tc.parts(t)
			p := JoinPackages(rank, parts...)
			if p.Status != tc.status || p.Completed != tc.completed || p.Worker != 0 {
				t.Errorf("status %v completed %v worker %d, want %v %v 0", p.Status, p.Completed, p.Worker, tc.status, tc.completed)
			}
			var names []string
			for _, g := range p.Groups {
				names = append(names, g.Name)
				if p.Group(g.Name) != g || p.Test(g.Name+"/step") == nil {
					t.Errorf("group %s not found by name in the joined package", g.Name)
				}
			}
			if !reflect.DeepEqual(names, tc.groups) {
				t.Errorf("groups %v, want %v", names, tc.groups)
			}
			slowest := parts[0].Elapsed
			for _, q := range parts {
				slowest = max(slowest, q.Elapsed)
			}
			if p.Elapsed != slowest {
				t.Errorf("elapsed %v, want the slowest part's %v", p.Elapsed, slowest)
			}
			if len(parts[0].Groups) > 2 || (len(parts) > 1 && parts[1].Worker != 2) {
				t.Error("JoinPackages changed its parts")
			}
		})
	}
	if p := part(t, 1, "pass", "TestA:pass"); JoinPackages(nil, p) != p {
		t.Error("a single part is not returned as it is")
	}
}

func TestJoinStatus(t *testing.T) {
	for _, tc := range []struct{ a, b, want PackageStatus }{
		{PackagePass, PackagePass, PackagePass},
		{PackagePass, PackageSkip, PackagePass},
		{PackageSkip, PackageSkip, PackageSkip},
		{PackagePass, PackageFail, PackageFail},
		{PackageFail, PackageBuildFailed, PackageBuildFailed},
		{PackageIncomplete, PackagePass, PackageIncomplete},
		{PackageFail, PackageIncomplete, PackageFail},
		{PackageNotRun, PackageNotRun, PackageNotRun},
		{PackageNotRun, PackagePass, PackagePass},
	} {
		if got := joinStatus(tc.a, tc.b); got != tc.want {
			t.Errorf("joinStatus(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestJoinAttempts(t *testing.T) {
	a1 := &Attempt{Number: 1, Packages: []*Package{part(t, 1, "pass", "TestB:pass")}, Output: []byte("x\n"), ClampedElapsed: 1, FirstClamped: -1}
	a2 := &Attempt{Number: 1, Packages: []*Package{part(t, 2, "fail", "TestA:fail")}, Output: []byte("y\n"), ClampedElapsed: 2}
	got := JoinAttempts(map[string]map[string]int{"p": {"TestA": 0, "TestB": 1}}, a1, a2)
	if len(got.Packages) != 1 || got.Packages[0].Status != PackageFail || got.Number != 1 {
		t.Fatalf("joined %+v", got)
	}
	if g := got.Packages[0].Groups; g[0].Name != "TestA" || g[1].Name != "TestB" {
		t.Errorf("groups not in rank order: %s, %s", g[0].Name, g[1].Name)
	}
	if string(got.Output) != "x\ny\n" || got.ClampedElapsed != 3 || got.FirstClamped != -1 {
		t.Errorf("output %q clamped %d first %v", got.Output, got.ClampedElapsed, got.FirstClamped)
	}
	if JoinAttempts(nil, a1) != a1 {
		t.Error("a single attempt is not returned as it is")
	}
}

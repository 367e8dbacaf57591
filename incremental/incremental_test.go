package incremental

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// scenarioEnv selects a scenario when the test binary re-runs itself; the
// scenarios fail on purpose, so they run only in a child process.
const scenarioEnv = "INCREMENTAL_SCENARIO"

var scenarios = map[string]func(t *testing.T){
	"second-fails": func(t *testing.T) {
		s := New(t)
		s.Run("login", func(t *testing.T) {})
		s.Run("pay", func(t *testing.T) { t.Fatal("card declined") })
		s.Run("receipt", func(t *testing.T) { t.Fatal("must not run") })
		s.Run("logout", func(t *testing.T) { t.Fatal("must not run") })
	},
	"skip-does-not-stop": func(t *testing.T) {
		s := New(t)
		s.Run("optional", func(t *testing.T) { t.Skip("not configured") })
		s.Run("next", func(t *testing.T) {})
	},
	"panic-stops": func(t *testing.T) {
		s := New(t)
		s.Run("explodes", func(t *testing.T) { panic("boom") })
		s.Run("after", func(t *testing.T) {})
	},
	"nested": func(t *testing.T) {
		s := New(t)
		s.Run("outer", func(t *testing.T) {
			inner := New(t)
			inner.Run("a", func(t *testing.T) { t.Error("inner a fails") })
			inner.Run("b", func(t *testing.T) {})
		})
		s.Run("later", func(t *testing.T) {})
	},
}

func TestScenario(t *testing.T) {
	name := os.Getenv(scenarioEnv)
	if name == "" {
		t.Skip("runs only as a child of TestSteps")
	}
	scenarios[name](t)
}

var resultLine = regexp.MustCompile(`--- (PASS|FAIL|SKIP): TestScenario/(\S+)`)

// runScenario runs a scenario in a child process and returns each step's
// result and the full output.
func runScenario(t *testing.T, name string) (map[string]string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestScenario$", "-test.v")
	cmd.Env = append(os.Environ(), scenarioEnv+"="+name)
	out, _ := cmd.CombinedOutput()
	got := map[string]string{}
	for _, m := range resultLine.FindAllStringSubmatch(string(out), -1) {
		got[m[2]] = m[1]
	}
	return got, string(out)
}

func TestSteps(t *testing.T) {
	type testCase struct {
		scenario string
		want     map[string]string
		messages []string
	}
	run := func(t *testing.T, tc testCase) {
		got, out := runScenario(t, tc.scenario)
		for step, result := range tc.want {
			if got[step] != result {
				t.Errorf("step %s: %q, want %q\n%s", step, got[step], result, out)
			}
		}
		for _, m := range tc.messages {
			if !strings.Contains(out, m) {
				t.Errorf("output lacks %q\n%s", m, out)
			}
		}
		if strings.Contains(out, "must not run") {
			t.Errorf("a step after the failure ran:\n%s", out)
		}
	}
	testCases := []testCase{
		{"second-fails", map[string]string{"login": "PASS", "pay": "FAIL", "receipt": "SKIP", "logout": "SKIP"},
			[]string{`previous step "pay" failed`}},
		{"skip-does-not-stop", map[string]string{"optional": "SKIP", "next": "PASS"}, []string{"not configured"}},
		{"panic-stops", map[string]string{"explodes": "FAIL", "after": "SKIP"}, []string{"panic: boom", `previous step "explodes" failed`}},
		{"nested", map[string]string{"outer/a": "FAIL", "outer/b": "SKIP", "outer": "FAIL", "later": "SKIP"},
			[]string{`previous step "a" failed`, `previous step "outer" failed`}},
	}
	for _, tc := range testCases {
		t.Run(tc.scenario, func(t *testing.T) { run(t, tc) })
	}
}

package runner

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
)

// fakeGo writes a go command that prints a canned go test -json stream:
// first when its arguments have no -run, rerun otherwise.
func fakeGo(t *testing.T, first, rerun string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f, r := write("first.jsonl", first), write("rerun.jsonl", rerun)
	return write("go", `#!/bin/sh
case " $* " in
*" -run "*) cat '`+r+`' ;;
*) cat '`+f+`' ;;
esac
`)
}

type recorder struct {
	nopObserver
	rounds []grouping.PlanResult
}

func (r *recorder) Round(p grouping.PlanResult) { r.rounds = append(r.rounds, p) }

func TestRerunThatSelectsNothingNamesOnlyWhatDidNotRun(t *testing.T) {
	goCmd := fakeGo(t, `{"Action":"run","Package":"m/a","Test":"TestGone"}
{"Action":"fail","Package":"m/a","Test":"TestGone"}
{"Action":"run","Package":"m/a","Test":"TestThere"}
{"Action":"fail","Package":"m/a","Test":"TestThere"}
{"Action":"output","Package":"m/a","Output":"FAIL\n"}
{"Action":"fail","Package":"m/a"}
`, `{"Action":"run","Package":"m/a","Test":"TestThere"}
{"Action":"pass","Package":"m/a","Test":"TestThere"}
{"Action":"output","Package":"m/a","Output":"PASS\n"}
{"Action":"pass","Package":"m/a"}
`)
	os.Chmod(goCmd, 0o755)
	obs := &recorder{}
	report, err := Run(context.Background(), Config{Go: goCmd, Dir: t.TempDir(), Packages: []string{"m/a"},
		Plan: grouping.PlanOptions{MaxReruns: 1, MaxFailures: 10}, Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Attempts) != 2 || len(obs.rounds) != 1 {
		t.Fatalf("%d attempts, %d rounds", len(report.Attempts), len(obs.rounds))
	}
	ph := report.Packages()[0]
	gone := ph.Groups[0]
	if gone.Name != "TestGone" || gone.Status() != grouping.NotRun {
		t.Fatalf("TestGone: %v", gone.Status())
	}
	if msg := gone.Final().Top().FailureMessage(); msg != "not run: the rerun selected no test named TestGone" {
		t.Errorf("message %q names more than the group that did not run", msg)
	}
	if there := ph.Groups[1]; there.Status() != grouping.Pass || !strings.Contains(there.Name, "TestThere") {
		t.Errorf("TestThere: %v", there.Status())
	}
	if !report.Failed() {
		t.Error("a rerun that selected nothing must fail the run")
	}
}

// TestRerunWaitsTheDelay: each rerun round waits exactly the configured
// delay (asked of Sleep), and the default Sleep waits at least that long.
func TestRerunWaitsTheDelay(t *testing.T) {
	goCmd := fakeGo(t, `{"Action":"run","Package":"m/a","Test":"TestF"}
{"Action":"fail","Package":"m/a","Test":"TestF"}
{"Action":"fail","Package":"m/a"}
`, `{"Action":"run","Package":"m/a","Test":"TestF"}
{"Action":"fail","Package":"m/a","Test":"TestF"}
{"Action":"fail","Package":"m/a"}
`)
	os.Chmod(goCmd, 0o755)
	var waits []time.Duration
	_, err := Run(context.Background(), Config{Go: goCmd, Dir: t.TempDir(), Packages: []string{"m/a"}, Delay: 1234 * time.Millisecond,
		Plan: grouping.PlanOptions{MaxReruns: 2, MaxFailures: 10}, Observer: &nopObserver{},
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{1234 * time.Millisecond, 1234 * time.Millisecond}; !reflect.DeepEqual(waits, want) {
		t.Errorf("waited %v, want %v (one delay before each rerun round)", waits, want)
	}
	start := time.Now()
	if err := sleep(context.Background(), 300*time.Millisecond); err != nil || time.Since(start) < 300*time.Millisecond {
		t.Errorf("sleep returned after %v (%v), before its 300ms", time.Since(start), err)
	}
}

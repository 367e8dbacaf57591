// Package workers has eight groups of three sequential steps for
// --workers: each records the process it ran in, TestW3 fails its second
// step in attempt 1, TestW5 is incremental and fails its second step in
// attempt 1. WORKERS_STEP_SLEEP makes each step sleep (the benchmark in
// scripts/bench.sh: 333ms, one second a group).
package workers

import (
	"os"
	"strconv"
	"testing"
	"time"

	"example.com/e2e/internal/state"

	"github.com/gorerun/gorerun/incremental"
)

// TestMain counts its processes: one per worker, none to list the tests.
func TestMain(m *testing.M) {
	state.Count("workers.main")
	os.Exit(m.Run())
}

func step(t *testing.T, group string) {
	if d, err := time.ParseDuration(os.Getenv("WORKERS_STEP_SLEEP")); err == nil {
		time.Sleep(d)
	}
	state.Count("workers." + group)
	state.Record("pid."+group+"."+strconv.Itoa(state.Attempt()), strconv.Itoa(os.Getpid()))
}

func group(t *testing.T, name string, failAt string) {
	for _, s := range []string{"step1", "step2", "step3"} {
		t.Run(s, func(t *testing.T) {
			step(t, name)
			if s == failAt && state.Attempt() == 1 {
				t.Fatal("flaked in attempt 1")
			}
		})
	}
}

func TestW1(t *testing.T) { group(t, "W1", "") }
func TestW2(t *testing.T) { group(t, "W2", "") }
func TestW3(t *testing.T) { group(t, "W3", "step2") }
func TestW4(t *testing.T) { group(t, "W4", "") }

func TestW5(t *testing.T) {
	steps := incremental.New(t)
	for _, s := range []string{"step1", "step2", "step3"} {
		steps.Run(s, func(t *testing.T) {
			step(t, "W5")
			if s == "step2" && state.Attempt() == 1 {
				t.Fatal("flaked in attempt 1")
			}
		})
	}
}

func TestW6(t *testing.T) { group(t, "W6", "") }
func TestW7(t *testing.T) { group(t, "W7", "") }
func TestW8(t *testing.T) { group(t, "W8", "") }

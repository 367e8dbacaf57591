// Package lastfailed is flaky across separate gorerun processes: its
// flakiness counts runs in GORERUN_E2E_STATE instead of reading
// GORERUN_ATTEMPT, which starts at 1 in every process.
package lastfailed

import (
	"testing"

	"example.com/e2e/internal/state"
)

// TestFlakyOnce fails the first time it ever runs.
func TestFlakyOnce(t *testing.T) {
	if state.Count("lf.flaky") == 1 {
		t.Fatal("failed on its first run")
	}
}

func TestBroken(t *testing.T) {
	state.Count("lf.broken")
	t.Run("part", func(t *testing.T) { t.Error("broken for good") })
}

func TestStable(t *testing.T) { state.Count("lf.stable") }

func TestSkipped(t *testing.T) { t.Skip("skipped on purpose") }

package crash

import (
	"os"
	"testing"

	"example.com/e2e/internal/state"
)

func TestFirst(t *testing.T) { state.Count("crash.first") }

// TestExits kills the test binary on attempt 1.
func TestExits(t *testing.T) {
	if state.Attempt() == 1 {
		t.Log("exiting the test binary")
		os.Exit(3)
	}
}

// TestLater never starts on attempt 1 because of the crash.
func TestLater(t *testing.T) { state.Count("crash.later") }

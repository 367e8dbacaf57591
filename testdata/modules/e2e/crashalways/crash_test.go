package crashalways

import (
	"testing"

	"example.com/e2e/internal/state"
)

// TestCrash takes the test binary down on every attempt.
func TestCrash(t *testing.T) {
	state.Count("crashalways.crash")
	panic("always crashes")
}

// TestLater and TestLater2 come after the crash and would pass.
func TestLater(t *testing.T)  { state.Count("crashalways.later") }
func TestLater2(t *testing.T) { state.Count("crashalways.later2") }

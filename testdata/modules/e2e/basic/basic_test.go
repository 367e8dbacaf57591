package basic

import (
	"os"
	"testing"

	"example.com/e2e/internal/state"
)

func TestMain(m *testing.M) {
	state.Count("basic.process")
	os.Exit(m.Run())
}

// TestWholeGroup: "setup" builds state that "check" needs; "check" fails
// on attempt 1. A whole-group rerun runs "setup" again.
func TestWholeGroup(t *testing.T) {
	ready := false
	t.Run("setup", func(t *testing.T) {
		state.Count("basic.setup")
		ready = true
	})
	t.Run("check", func(t *testing.T) {
		if !ready {
			t.Fatal("setup did not run in this process")
		}
		if state.Attempt() == 1 {
			t.Fatal("flaky check failed")
		}
	})
}

// TestPrefix fails once; TestPrefixLonger must never be selected by its rerun.
func TestPrefix(t *testing.T) {
	state.Count("basic.prefix")
	if state.Attempt() == 1 {
		t.Error("prefix failed once")
	}
}

func TestPrefixLonger(t *testing.T) { state.Count("basic.prefixlonger") }

func TestStable(t *testing.T) { state.Count("basic.stable") }

package failnow

import "testing"

// TestParent's first subtest calls FailNow on the parent: later siblings
// silently never run.
func TestParent(t *testing.T) {
	t.Run("first", func(t *testing.T) {
		t.Run("inner", func(*testing.T) {})
		t.Log("stopping the parent")
	})
	t.FailNow()
	t.Run("second", func(t *testing.T) {})
}

func TestNext(t *testing.T) {}

package parentpanic

import "testing"

// TestParent panics after its child failed.
func TestParent(t *testing.T) {
	t.Run("child", func(t *testing.T) { t.Error("child failed") })
	panic("parent panics after the child failed")
}

func TestNeverStarts(t *testing.T) {}

package failmsg

import "testing"

// TestSocket logs progress before it fails: the failure message is the
// assertion, not the first log line.
func TestSocket(t *testing.T) {
	t.Log("waiting on socket /tmp/x.sock")
	t.Log("connected")
	t.Errorf("assertion failed: got %d\nwant %d", 1, 2)
}

// TestCart fails in a subtest.
func TestCart(t *testing.T) {
	t.Run("add", func(t *testing.T) {})
	t.Run("total", func(t *testing.T) {
		t.Log("computing")
		t.Fatal("total is 3, want 4")
	})
}

func TestOK(t *testing.T) {}

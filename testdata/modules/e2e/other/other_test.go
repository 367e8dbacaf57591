package other

import (
	"testing"

	"example.com/e2e/internal/state"
)

func TestOther(t *testing.T) {
	state.Count("other.process")
	if state.Attempt() == 1 {
		t.Fatal("fails on attempt 1")
	}
}

func TestSkipped(t *testing.T) { t.Skip("skipped on purpose") }

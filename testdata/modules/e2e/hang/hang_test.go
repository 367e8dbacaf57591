package hang

import (
	"testing"
	"time"

	"example.com/e2e/internal/state"
)

func TestQuick(t *testing.T) { state.Count("hang.quick") }

// TestHangs outlives -timeout on attempt 1.
func TestHangs(t *testing.T) {
	t.Run("sub", func(t *testing.T) {
		if state.Attempt() == 1 {
			time.Sleep(time.Minute)
		}
	})
}

func TestAfter(t *testing.T) { state.Count("hang.after") }

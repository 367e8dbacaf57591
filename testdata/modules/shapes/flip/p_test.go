package flip

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFlip fails the first time it runs and passes afterwards; the state
// lives in $FLIP_STATE (a directory), never in the module: without it the
// test is skipped.
func TestFlip(t *testing.T) {
	state := os.Getenv("FLIP_STATE")
	if state == "" {
		t.Skip("set FLIP_STATE to a directory for the flip's state")
	}
	t.Run("step", func(t *testing.T) {
		marker := filepath.Join(state, "ran")
		if _, err := os.Stat(marker); err != nil {
			os.WriteFile(marker, nil, 0o644)
			t.Fatal("first run fails")
		}
	})
}

func TestSteady(t *testing.T) {}

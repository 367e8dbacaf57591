package flip

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFlip fails the first time it runs and passes afterwards; the state
// lives in $FLIP_STATE (a directory).
func TestFlip(t *testing.T) {
	t.Run("step", func(t *testing.T) {
		marker := filepath.Join(os.Getenv("FLIP_STATE"), "ran")
		if _, err := os.Stat(marker); err != nil {
			os.WriteFile(marker, nil, 0o644)
			t.Fatal("first run fails")
		}
	})
}

func TestSteady(t *testing.T) {}

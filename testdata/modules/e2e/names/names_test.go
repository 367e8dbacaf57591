package names

import (
	"testing"

	"example.com/e2e/internal/state"
)

// TestOdd_Names has subtests whose names go test rewrites; one fails once.
func TestOdd_Names(t *testing.T) {
	state.Count("names.group")
	for _, name := range []string{"with space", "meta.*+?[x](y)|z", "slash/inside", "ünïcödé", "dup", "dup", ""} {
		t.Run(name, func(t *testing.T) {
			if name == "slash/inside" && state.Attempt() == 1 {
				t.Error("fails on attempt 1")
			}
		})
	}
}

func TestOdd(t *testing.T) { state.Count("names.odd") }

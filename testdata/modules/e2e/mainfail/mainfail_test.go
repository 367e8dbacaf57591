package mainfail

import (
	"os"
	"testing"

	"example.com/e2e/internal/state"
)

// TestMain fails the package on attempt 1 although every test passes.
func TestMain(m *testing.M) {
	code := m.Run()
	if state.Attempt() == 1 {
		os.Exit(1)
	}
	os.Exit(code)
}

func TestFine(t *testing.T) { state.Count("mainfail.fine") }

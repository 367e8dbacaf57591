// Package pattern fails on a fixed pattern of attempts, for flake hunting
// and history: TestEveryThird fails in every third attempt.
package pattern

import (
	"testing"

	"example.com/e2e/internal/state"
)

func TestEveryThird(t *testing.T) {
	state.Count("pattern.everythird")
	if state.Attempt()%3 == 0 {
		t.Fatal("fails in every third attempt")
	}
}

func TestSteady(t *testing.T) { state.Count("pattern.steady") }

package incr

import (
	"testing"

	"example.com/e2e/internal/state"

	"github.com/gorerun/gorerun/incremental"
)

// TestCheckout's second step fails on attempt 1 only.
func TestCheckout(t *testing.T) {
	steps := incremental.New(t)
	steps.Run("login", func(t *testing.T) { state.Count("incr.login") })
	steps.Run("pay", func(t *testing.T) {
		if state.Attempt() == 1 {
			t.Fatal("card declined")
		}
	})
	steps.Run("receipt", func(t *testing.T) { state.Count("incr.receipt") })
}

// TestBrokenLogin's first step always fails: later steps never run.
func TestBrokenLogin(t *testing.T) {
	steps := incremental.New(t)
	steps.Run("login", func(t *testing.T) { t.Fatal("password rejected") })
	steps.Run("browse", func(t *testing.T) { state.Count("incr.browse") })
}

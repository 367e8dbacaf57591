// Package checkout holds the demo's flaky tests. They read GORERUN_ATTEMPT,
// which gorerun sets to 1 for the first run and 2, 3, ... for reruns, so the
// flakiness is deterministic.
package checkout

import (
	"os"
	"testing"
)

func attempt() string { return os.Getenv("GORERUN_ATTEMPT") }

// TestFlakyNetwork fails on the first attempt only, like a test that hits a
// slow service once.
func TestFlakyNetwork(t *testing.T) {
	if attempt() == "1" {
		t.Fatal("connection reset by peer (fails on attempt 1 only)")
	}
}

// TestCart shares state between its steps: "add" fills the cart that
// "total" reads. On attempt 1 the cart is corrupted after "add", so "total"
// fails; rerunning only "total" could never pass, because the cart is built
// by "add". gorerun reruns the whole group, so both steps run again.
func TestCart(t *testing.T) {
	var cart []int
	t.Run("add", func(t *testing.T) {
		cart = append(cart, 3, 4)
		if attempt() == "1" {
			cart = nil // the flaky part: state lost between steps
		}
	})
	t.Run("total", func(t *testing.T) {
		sum := 0
		for _, v := range cart {
			sum += v
		}
		if sum != 7 {
			t.Fatalf("total = %d, want 7 (cart %v)", sum, cart)
		}
	})
}

// TestStable always passes.
func TestStable(t *testing.T) {
	t.Run("one", func(t *testing.T) {})
	t.Run("two", func(t *testing.T) {})
}

package incremental_test

import (
	"fmt"
	"testing"

	"github.com/gorerun/gorerun/incremental"
)

// The steps of a checkout: if "pay" fails, "receipt" is skipped with the
// message `previous step "pay" failed` instead of failing for the same reason.
func Example() {
	checkout := func(t *testing.T) {
		steps := incremental.New(t)
		steps.Run("login", func(t *testing.T) { /* ... */ })
		steps.Run("pay", func(t *testing.T) { /* ... */ })
		steps.Run("receipt", func(t *testing.T) { /* ... */ })
	}
	_ = checkout // a Test function in real code: func TestCheckout(t *testing.T)
	fmt.Println(incremental.SkipMessage("pay"))
	// Output: previous step "pay" failed
}

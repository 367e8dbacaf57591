// Package slow has a test that takes over half a second with SLOW_TEST=1,
// for gotestsum's "tool slowest" examples.
package slow

import (
	"flag"
	"os"
	"testing"
	"time"
)

var _ = flag.Bool("update-golden", false, "update golden files")

func TestSlowish(t *testing.T) {
	if os.Getenv("SLOW_TEST") == "1" {
		time.Sleep(550 * time.Millisecond)
	}
}

func TestQuick(t *testing.T) {}

// Package flaky has a test that, with FLAKY=1, fails in gorerun's first
// attempt and passes when rerun.
package flaky

import (
	"flag"
	"os"
	"testing"
)

var _ = flag.Bool("update-golden", false, "update golden files")

func TestFlaky(t *testing.T) {
	if os.Getenv("FLAKY") == "1" && os.Getenv("GORERUN_ATTEMPT") == "1" {
		t.Fatal("flaked in attempt 1")
	}
}

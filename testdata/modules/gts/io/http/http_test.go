// Package http is the package gotestsum's README runs alone
// (TEST_DIRECTORY=./io/http, gotestsum -- ./io/http).
package http

import (
	"flag"
	"testing"
)

// updateGolden is the test binary flag of gotestsum's README example
// (-args -update-golden); every package of this module defines it.
var updateGolden = flag.Bool("update-golden", false, "update golden files")

func TestGet(t *testing.T) {
	if *updateGolden {
		t.Log("updating golden files")
	}
}

func TestSkipped(t *testing.T) { t.Skip("not on this machine") }

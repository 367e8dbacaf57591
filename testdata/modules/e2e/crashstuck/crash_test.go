package crashstuck

import (
	"flag"
	"os"
	"testing"

	"example.com/e2e/internal/state"
)

// TestMain lets the first launch of the binary run its tests; every later
// launch (except go test -list) exits before any test starts, so resuming
// after the crash makes no progress.
func TestMain(m *testing.M) {
	flag.Parse()
	if flag.Lookup("test.list").Value.String() == "" && state.Count("crashstuck.launch") > 1 {
		os.Exit(3)
	}
	os.Exit(m.Run())
}

func TestCrash(t *testing.T) { panic("crashes") }
func TestLater(t *testing.T) { state.Count("crashstuck.later") }

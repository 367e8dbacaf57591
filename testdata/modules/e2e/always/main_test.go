package always

import (
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// TestMain holds the test binary after its tests when GORERUN_E2E_HOLD is
// set, until gorerun interrupts it (at most a minute): go test cannot
// start the next package before the interrupt arrives, however fast the
// machine (TestE2EMaxFails).
func TestMain(m *testing.M) {
	var stop chan os.Signal
	if os.Getenv("GORERUN_E2E_HOLD") != "" {
		stop = make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	}
	code := m.Run()
	if stop != nil {
		select {
		case <-stop:
		case <-time.After(time.Minute):
		}
	}
	os.Exit(code)
}

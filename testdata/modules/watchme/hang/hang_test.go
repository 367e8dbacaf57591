// Package hang has a test that, with HANG_PID_FILE set, records its
// process and waits a minute: the watch test interrupts it.
package hang

import (
	"os"
	"strconv"
	"testing"
	"time"
)

func TestHang(t *testing.T) {
	if f := os.Getenv("HANG_PID_FILE"); f != "" {
		os.WriteFile(f, []byte(strconv.Itoa(os.Getpid())), 0o644)
		time.Sleep(time.Minute)
	}
}

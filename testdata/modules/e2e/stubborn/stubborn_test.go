// Package stubborn has a test that does not stop when it is interrupted:
// it ignores SIGINT (and SIGTERM too with GORERUN_E2E_IGNORE_TERM=1),
// records its pid and process group, says so, and waits for an hour.
package stubborn

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"testing"
	"time"

	"example.com/e2e/internal/state"
)

func TestQuick(t *testing.T) {}

// only skips the test unless the variable env is 1: these tests hang
// until gorerun stops them.
func only(t *testing.T, env string) {
	if os.Getenv(env) != "1" {
		t.Skip("set " + env + "=1 to run it")
	}
}

func TestStubborn(t *testing.T) {
	only(t, "GORERUN_E2E_STUBBORN")
	signal.Ignore(syscall.SIGINT)
	if os.Getenv("GORERUN_E2E_IGNORE_TERM") == "1" {
		signal.Ignore(syscall.SIGTERM)
	}
	state.Record("stubborn.pid", strconv.Itoa(os.Getpid()))
	state.Record("stubborn.pgid", strconv.Itoa(syscall.Getpgrp()))
	fmt.Println("stubborn: waiting")
	time.Sleep(time.Hour)
}

// TestRerunHangs fails in attempt 1 and, in its rerun, waits for an hour
// (with GORERUN_E2E_RERUN_HANG=1): an interrupt comes during the rerun.
func TestRerunHangs(t *testing.T) {
	only(t, "GORERUN_E2E_RERUN_HANG")
	if state.Attempt() == 1 {
		t.Fatal("fails in attempt 1")
	}
	state.Record("rerunhangs.waiting", "1")
	fmt.Println("stubborn: waiting")
	time.Sleep(time.Hour)
}

// TestRerunLater fails in attempt 1; its rerun comes after TestRerunHangs'
// in the same process, so it never starts.
func TestRerunLater(t *testing.T) {
	only(t, "GORERUN_E2E_RERUN_HANG")
	if state.Attempt() == 1 {
		t.Fatal("fails in attempt 1")
	}
}

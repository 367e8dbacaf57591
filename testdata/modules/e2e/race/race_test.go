// Package race prints what the race detector prints when it finds a data
// race (deterministically, without -race) and fails in attempt 1, as
// testing fails a test with a race: it would pass if rerun.
package race

import (
	"fmt"
	"testing"

	"example.com/e2e/internal/state"
)

func TestRacy(t *testing.T) {
	state.Count("race.racy")
	if state.Attempt() <= 1 {
		fmt.Println("==================")
		fmt.Println("WARNING: DATA RACE")
		fmt.Println("Write at 0x00c000012345 by goroutine 8:")
		fmt.Println("==================")
		t.Error("race detected during execution of test")
	}
}

func TestCalm(t *testing.T) { state.Count("race.calm") }

// Package workerscrash crashes one worker: dealt over two workers
// round-robin, TestA and TestC run on worker 1, TestB and TestD on worker
// 2; TestB takes its test binary down in attempt 1, before TestD starts.
package workerscrash

import (
	"testing"

	"example.com/e2e/internal/state"
)

func TestA(t *testing.T) { state.Count("workerscrash.A") }

func TestB(t *testing.T) {
	if state.Count("workerscrash.B") == 1 {
		panic("worker 2 crashes")
	}
}

func TestC(t *testing.T) { state.Count("workerscrash.C") }
func TestD(t *testing.T) { state.Count("workerscrash.D") }

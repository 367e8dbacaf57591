package stray

import (
	"testing"
	"time"
)

// TestStarts leaves a goroutine behind that panics while TestVictim runs.
func TestStarts(t *testing.T) {
	go func() {
		time.Sleep(50 * time.Millisecond)
		panic("stray goroutine")
	}()
}

func TestVictim(t *testing.T) { time.Sleep(time.Second) }

func TestNeverStarts(t *testing.T) {}

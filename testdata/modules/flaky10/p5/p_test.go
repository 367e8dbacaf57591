package p5

import (
	"testing"
	"time"

	"example.com/flaky10/internal/once"
)

func TestFlakyA(t *testing.T) {
	t.Run("step", func(t *testing.T) { once.FailFirst(t) })
}

func TestFlakyB(t *testing.T) {
	t.Run("step", func(t *testing.T) { once.FailFirst(t) })
}

func TestStable(t *testing.T) {
	for i := 0; i < 5; i++ {
		t.Run("case", func(t *testing.T) { time.Sleep(10 * time.Millisecond) })
	}
}

package timeout

import (
	"testing"
	"time"
)

func TestBefore(t *testing.T) {}
func TestSlow(t *testing.T)   { t.Run("sub", func(t *testing.T) { time.Sleep(10 * time.Second) }) }
func TestAfter(t *testing.T)  {}

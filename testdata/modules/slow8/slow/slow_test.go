// Package slow is the --workers benchmark of scripts/bench.sh: eight
// groups of three sequential steps, each group sleeping one second in
// total, as a slow end-to-end suite would.
package slow

import (
	"fmt"
	"testing"
	"time"
)

func group(t *testing.T) {
	for i := 1; i <= 3; i++ {
		t.Run(fmt.Sprintf("step%d", i), func(t *testing.T) { time.Sleep(time.Second / 3) })
	}
}

func TestSlow1(t *testing.T) { group(t) }
func TestSlow2(t *testing.T) { group(t) }
func TestSlow3(t *testing.T) { group(t) }
func TestSlow4(t *testing.T) { group(t) }
func TestSlow5(t *testing.T) { group(t) }
func TestSlow6(t *testing.T) { group(t) }
func TestSlow7(t *testing.T) { group(t) }
func TestSlow8(t *testing.T) { group(t) }

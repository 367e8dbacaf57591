// Package shuffled runs with -shuffle=on; TestAlways fails every time, so
// the command gorerun gives to reproduce it must fail the same way.
package shuffled

import "testing"

func TestFirst(t *testing.T)  {}
func TestSecond(t *testing.T) {}

func TestAlways(t *testing.T) {
	t.Fatal("the ledger does not balance")
}

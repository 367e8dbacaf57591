// Package p4 is one of five identical packages with two flaky groups each
// (the shared bodies live in internal/once).
package p4

import (
	"testing"

	"example.com/flaky10/internal/once"
)

func TestFlakyA(t *testing.T) { once.FlakyGroup(t) }
func TestFlakyB(t *testing.T) { once.FlakyGroup(t) }
func TestStable(t *testing.T) { once.StableGroup(t) }

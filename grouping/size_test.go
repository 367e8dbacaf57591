package grouping

import (
	"testing"
	"unsafe"
)

// TestPackageStaysSmall: a run holds every package it saw until its end
// (thousands in a monorepo's stream), so what a Package holds for all of
// them is kept to its size class; rare parts (the names of the groups
// Compact dropped) hang off it by a pointer.
func TestPackageStaysSmall(t *testing.T) {
	if size := unsafe.Sizeof(Package{}); size > 240 {
		t.Errorf("Package is %d bytes, was 240: move what few packages need behind a pointer", size)
	}
}

//go:build !linux

package textpages

// release does nothing where /proc/self/maps and madvise's semantics are
// not Linux's.
func release(start, length uintptr) {}

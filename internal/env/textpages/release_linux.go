//go:build linux

package textpages

import "golang.org/x/sys/unix"

// release advises the kernel on one mapping: no read-ahead or mapping
// around a fault (MADV_RANDOM), and its pages dropped (MADV_DONTNEED: a
// read-only file mapping is read back from the page cache when used).
// The addresses come from /proc/self/maps, not from Go pointers.
func release(start, length uintptr) {
	for _, advice := range []uintptr{unix.MADV_RANDOM, unix.MADV_DONTNEED} {
		_, _, _ = unix.Syscall(unix.SYS_MADVISE, start, length, advice)
	}
}

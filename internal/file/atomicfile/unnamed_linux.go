package atomicfile

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// openUnnamed creates a file in dir that has no name (O_TMPFILE; errors
// call it name): until it
// is linked, nothing of it is visible, and a process that dies for any
// reason (SIGKILL included) leaves nothing behind. It fails where the file
// system does not support it, or where /proc (needed to link it) is
// missing; Create then falls back to a named temporary file.
func openUnnamed(dir, name string, mode os.FileMode) (*os.File, error) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		return nil, err
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, uint32(mode.Perm()))
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return os.NewFile(uintptr(fd), name), nil
}

// linkUnnamed gives an unnamed file the name path (which must not exist).
func linkUnnamed(f *os.File, path string) error {
	err := unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(int(f.Fd())), unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	if err != nil {
		return &os.LinkError{Op: "link", Old: f.Name(), New: path, Err: err}
	}
	return nil
}

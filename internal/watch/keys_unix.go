//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package watch

import "golang.org/x/sys/unix"

// KeysMode makes the terminal on fd hand over each key as it is pressed,
// without echo, keeping Ctrl-C a signal (gotestsum does the same). It
// returns how to restore the terminal; on anything but a terminal it
// does nothing.
func KeysMode(fd int) (restore func()) {
	t, err := unix.IoctlGetTermios(fd, getTermios)
	if err != nil {
		return func() {}
	}
	saved := *t
	t.Lflag &^= unix.ECHO | unix.ICANON
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, setTermios, t); err != nil {
		return func() {}
	}
	return func() { _ = unix.IoctlSetTermios(fd, setTermios, &saved) }
}

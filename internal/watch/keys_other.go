//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package watch

// KeysMode does nothing here: keys work followed by Enter.
func KeysMode(int) (restore func()) { return func() {} }

//go:build !unix && !windows

package filelock

import "os"

// Platforms without advisory locks (wasm, plan9) run unlocked.
func lock(*os.File) error   { return nil }
func unlock(*os.File) error { return nil }

// Package filelock takes advisory locks on files, so that processes that
// read, merge and write one file (the last-failed cache) do not lose each
// other's changes: flock on unix, LockFileEx on windows, through
// golang.org/x/sys.
package filelock

import (
	"fmt"
	"os"
)

// Lock opens (creating it if needed) the lock file at path and blocks until
// this process holds an exclusive lock on it. Unlock releases it.
func Lock(path string) (release func() error, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if err := lock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() error {
		uerr := unlock(f)
		if cerr := f.Close(); uerr == nil {
			uerr = cerr
		}
		return uerr
	}, nil
}

// Package atomicfile writes files so that readers see either the old file
// or the complete new one, never a half-written one: data goes to a
// temporary file in the same directory, which is renamed over the target
// on Commit.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File is a pending replacement of a file.
type File struct {
	path string
	tmp  *os.File
	w    *bufio.Writer
	done bool
}

// Create starts a new version of path. Nothing is visible at path until
// Commit.
func Create(path string) (*File, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, errors.Unwrap(err))
	}
	return &File{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, 256*1024)}, nil
}

// Write buffers p for the new file.
func (f *File) Write(p []byte) (int, error) { return f.w.Write(p) }

// Commit flushes, syncs and closes the temporary file and renames it over
// the target. On any error the target is left as it was.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: already committed or aborted")
	}
	f.done = true
	err := f.w.Flush()
	if err == nil {
		err = f.tmp.Sync()
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.tmp.Name())
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	return nil
}

// Abort discards the new version. It is a no-op after Commit, so it can be
// deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}

// Detach flushes and closes the temporary file and returns its path
// instead of renaming it: the caller owns and removes it. Used for spill
// files that are assembled into the real file later.
func (f *File) Detach() (string, error) {
	if f.done {
		return "", errors.New("atomicfile: already committed or aborted")
	}
	f.done = true
	err := f.w.Flush()
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.tmp.Name())
		return "", err
	}
	return f.tmp.Name(), nil
}

// WriteFile replaces path with data atomically.
func WriteFile(path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}

// Package atomicfile writes files so that readers see either the old file
// or the complete new one, never a half-written one: data goes to a
// temporary file in the same directory, which is renamed over the target
// on Commit.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gorerun/gorerun/internal/file/inputfile"
)

// File is a pending replacement of a file.
type File struct {
	path string // the file being replaced: the target of a symlink
	tmp  *os.File
	w    *bufio.Writer
	mode os.FileMode // the existing file's mode, kept on Commit
	keep bool
	done bool
	// unnamed is set when tmp has no name (Linux's O_TMPFILE) until
	// Commit links it: a run killed before then leaves no file behind.
	unnamed bool
}

// Create starts a new version of path. Nothing is visible at path until
// Commit. A symlink is followed: its target is replaced and the link stays.
// An existing file keeps its mode; a new one gets 0666 less the umask, as
// with os.Create.
func Create(path string) (*File, error) {
	target, err := Resolve(path)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	f := &File{path: target, mode: 0o666}
	if st, err := os.Stat(target); err == nil {
		if err := inputfile.Check(path, st, math.MaxInt64); err != nil {
			return nil, fmt.Errorf("cannot write: %w", err)
		}
		f.mode, f.keep = st.Mode().Perm(), true
	}
	tmp, err := openUnnamed(filepath.Dir(target), target, f.mode)
	f.unnamed = err == nil
	if err != nil {
		tmp, err = createTemp(filepath.Dir(target), f.tempPrefix(), f.mode)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, errors.Unwrap(err))
	}
	f.tmp, f.w = tmp, bufio.NewWriterSize(tmp, 64*1024)
	return f, nil
}

// tempPrefix is the name of the file's temporary versions, before their
// random digits (see RemoveStale).
func (f *File) tempPrefix() string { return "." + filepath.Base(f.path) + ".tmp" }

// name gives an unnamed temporary file a name beside the target, so that
// it can be renamed over it. A named one already has its name.
func (f *File) name() (string, error) {
	if !f.unnamed {
		return f.tmp.Name(), nil
	}
	for range 100 {
		name := filepath.Join(filepath.Dir(f.path), f.tempPrefix()+strconv.FormatUint(uint64(rand.Uint32()), 10))
		err := linkUnnamed(f.tmp, name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return name, err
	}
	return "", &fs.PathError{Op: "link", Path: filepath.Join(filepath.Dir(f.path), f.tempPrefix()+"*"), Err: fs.ErrExist}
}

// createTemp creates prefix followed by random digits in dir, with mode
// less the umask (os.CreateTemp always uses 0600).
func createTemp(dir, prefix string, mode os.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "createtemp", Path: filepath.Join(dir, prefix+"*"), Err: fs.ErrExist}
}

// Resolve follows path through symlinks to the file they name, which need
// not exist yet.
func Resolve(path string) (string, error) {
	orig := path
	for range 40 {
		st, err := os.Lstat(path)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", orig)
}

// RemoveStale removes temporary files that Create made for path (the same
// name pattern, next to the file) and that are older than age: what a
// killed run left behind. It returns how many it removed.
func RemoveStale(path string, age time.Duration) (int, error) {
	target, err := Resolve(path)
	if err != nil {
		return 0, err
	}
	dir, prefix := filepath.Dir(target), "."+filepath.Base(target)+".tmp"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, nil // nothing to clean where nothing can be read
	}
	n := 0
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || rest == "" || strings.Trim(rest, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < age {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			n++
		}
	}
	return n, nil
}

// Write buffers p for the new file.
func (f *File) Write(p []byte) (int, error) { return f.w.Write(p) }

// ReadFrom copies r to the new file. From another file (an *os.File or a
// Detached one, or a part of either, an io.LimitedReader), the kernel
// copies (copy_file_range on Linux): the bytes do not pass through the
// process. It copies writebackChunk bytes at a time and has the kernel
// start writing each to disk at once (measured on a 46 MB report: copy
// and sync 31 ms -> 23 ms).
func (f *File) ReadFrom(r io.Reader) (int64, error) {
	if err := f.w.Flush(); err != nil {
		return 0, err
	}
	src, limit := r, int64(-1)
	lr, _ := r.(*io.LimitedReader)
	if lr != nil {
		src, limit = lr.R, lr.N
	}
	if d, ok := src.(*Detached); ok {
		src = d.File // the kernel copies from an *os.File only
	}
	var total int64
	for limit < 0 || total < limit {
		n := int64(writebackChunk)
		if limit >= 0 {
			n = min(n, limit-total)
		}
		m, err := f.tmp.ReadFrom(&io.LimitedReader{R: src, N: n})
		total += m
		if m > 0 {
			startWriteback(f.tmp)
		}
		if err != nil || m < n {
			if lr != nil {
				lr.N -= total
			}
			return total, err
		}
	}
	if lr != nil {
		lr.N -= total
	}
	return total, nil
}

// writebackChunk is how much ReadFrom copies before it starts writing it
// out.
const writebackChunk = 8 << 20

// Commit flushes, syncs and closes the temporary file and renames it over
// the target. On any error the target is left as it was.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: already committed or aborted")
	}
	f.done = true
	err := f.w.Flush()
	if err == nil && f.keep {
		err = f.tmp.Chmod(f.mode) // exactly the old mode, whatever the umask
	}
	if err == nil {
		err = f.tmp.Sync()
	}
	name := ""
	if err == nil {
		name, err = f.name()
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, f.path)
	}
	if err != nil {
		if name != "" {
			os.Remove(name)
		} else if !f.unnamed {
			os.Remove(f.tmp.Name())
		}
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
	if !f.unnamed {
		os.Remove(f.tmp.Name())
	}
}

// Detach flushes the temporary file and hands it over, read from its
// start, instead of renaming it: used for spill files that are assembled
// into the real file later. Closing it removes it.
func (f *File) Detach() (*Detached, error) {
	if f.done {
		return nil, errors.New("atomicfile: already committed or aborted")
	}
	f.done = true
	err := f.w.Flush()
	if err == nil {
		_, err = f.tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.tmp.Close()
		if !f.unnamed {
			os.Remove(f.tmp.Name())
		}
		return nil, err
	}
	return &Detached{File: f.tmp, named: !f.unnamed}, nil
}

// Detached is a temporary file handed over by Detach.
type Detached struct {
	*os.File
	named bool
}

// Close closes the file and removes it.
func (d *Detached) Close() error {
	err := d.File.Close()
	if d.named {
		os.Remove(d.File.Name())
	}
	return err
}

// Temp creates a scratch file in dir that the caller reads and writes and
// closes with Close, which removes it. Where the system allows (Linux), it
// never has a name, so that a killed run leaves nothing behind; elsewhere
// its name matches prefix followed by digits.
func Temp(dir, prefix string) (*Detached, error) {
	if f, err := openUnnamed(dir, filepath.Join(dir, prefix), 0o600); err == nil {
		return &Detached{File: f}, nil
	}
	f, err := createTemp(dir, prefix, 0o600)
	if err != nil {
		return nil, err
	}
	return &Detached{File: f, named: true}, nil
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

// Package spool keeps byte strings that a run must hold to its end, but
// rarely reads, in a temporary file instead of memory: the output of the
// failed tests of packages already written to the reports, read back once
// for the end-of-run summary.
//
// The file is created on the first Put (a run without failures never
// touches the disk) and removed at once where the system allows it (it
// lives while open), else by Close.
package spool

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
)

// A File is a spool: an append-only temporary file. Its methods may be
// called from several goroutines.
type File struct {
	dir string // where the file goes; "" is os.TempDir

	mu      sync.Mutex
	f       *os.File
	w       *bufio.Writer
	size    int64 // bytes put, buffered or not
	flushed int64 // bytes in the file
	remove  string
	err     error // the first error: the spool is not used after it
}

// Ref is where Put kept a byte string.
type Ref struct {
	off int64
	n   int
}

// Len is the length of the byte string.
func (r Ref) Len() int { return r.n }

// Slice is the Ref of the n bytes at i of r's byte string (0 <= i, n and
// i+n <= r.Len()): a Put of many strings at once, read back one by one.
func (r Ref) Slice(i, n int) Ref {
	if i < 0 || n < 0 || i+n > r.n {
		panic(fmt.Sprintf("spool: Slice(%d, %d) of %d bytes", i, n, r.n))
	}
	return Ref{off: r.off + int64(i), n: n}
}

// New returns a spool that will create its file in dir ("" for the
// system's temporary directory).
func New(dir string) *File { return &File{dir: dir} }

// Put appends the byte strings bs to the spool, one after another, as one
// byte string (its parts are read back with Ref.Slice). After an error (the
// file cannot be created or written) every Put fails: keep the bytes in
// memory instead.
func (s *File) Put(bs ...[]byte) (Ref, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return Ref{}, s.err
	}
	if s.f == nil {
		if err := s.create(); err != nil {
			s.err = err
			return Ref{}, err
		}
	}
	r := Ref{off: s.size}
	for _, b := range bs {
		if _, err := s.w.Write(b); err != nil {
			s.err = fmt.Errorf("spool: %w", err)
			return Ref{}, s.err
		}
		r.n += len(b)
	}
	s.size += int64(r.n)
	return r, nil
}

func (s *File) create() error {
	f, err := os.CreateTemp(s.dir, "gorerun-spool-*")
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	if os.Remove(f.Name()) != nil {
		s.remove = f.Name() // an open file cannot be removed here: at Close
	}
	s.f, s.w = f, bufio.NewWriterSize(f, 64<<10)
	return nil
}

// Get returns a copy of the byte string at r.
func (s *File) Get(r Ref) ([]byte, error) {
	return s.AppendTo(make([]byte, 0, r.n), r)
}

// AppendTo appends the byte string at r to buf.
func (s *File) AppendTo(buf []byte, r Ref) ([]byte, error) {
	if r.n == 0 {
		return buf, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil || r.off+int64(r.n) > s.size {
		return buf, fmt.Errorf("spool: no bytes at %d+%d", r.off, r.n)
	}
	if r.off+int64(r.n) > s.flushed {
		if err := s.w.Flush(); err != nil {
			return buf, fmt.Errorf("spool: %w", err)
		}
		s.flushed = s.size
	}
	n := len(buf)
	buf = slices.Grow(buf, r.n)[:n+r.n]
	if _, err := s.f.ReadAt(buf[n:], r.off); err != nil && err != io.EOF {
		return buf[:n], fmt.Errorf("spool: %w", err)
	}
	return buf, nil
}

// Size is how many bytes the spool holds.
func (s *File) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// Close closes and removes the file. The spool cannot be read after it.
func (s *File) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	if s.remove != "" {
		if rerr := os.Remove(s.remove); err == nil {
			err = rerr
		}
	}
	s.f, s.w = nil, nil
	if s.err == nil {
		s.err = fmt.Errorf("spool: closed")
	}
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}

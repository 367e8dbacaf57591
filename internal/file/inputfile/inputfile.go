// Package inputfile reads files that gorerun reads whole (JUnit reports to
// update or merge, --last-failed and --shard-timings sources), refusing at
// once what is not a regular file (a directory, /dev/zero, a FIFO) or is
// larger than a limit, instead of reading forever.
package inputfile

import (
	"fmt"
	"io"
	"os"
)

// MaxSize is the largest file Read accepts: 2 GiB.
const MaxSize int64 = 2 << 30

// Read returns the contents of the regular file at path, at most max bytes
// long. Errors name the file.
func Read(path string, max int64) ([]byte, error) {
	f, size, err := open(path, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 0, size+1)
	b, err = readAll(f, b, max)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return b, nil
}

// Open opens the regular file at path to read it as a stream, after the
// checks Read makes; reading fails past max bytes, as Read does.
func Open(path string, max int64) (io.ReadCloser, error) {
	f, _, err := open(path, max)
	if err != nil {
		return nil, err
	}
	return &limited{File: f, path: path, max: max, left: max}, nil
}

// CheckPath says why the file at path cannot be read (see Check), without
// opening it.
func CheckPath(path string, max int64) error {
	_, err := stat(path, max)
	return err
}

func stat(path string, max int64) (os.FileInfo, error) {
	// Stat before opening: opening a FIFO blocks until a writer comes.
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	return st, Check(path, st, max)
}

// open checks path and opens it; size is its size when checked.
func open(path string, max int64) (f *os.File, size int64, err error) {
	st, err := stat(path, max)
	if err != nil {
		return nil, 0, err
	}
	f, err = os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// limited is an open file that refuses to give more than max bytes.
type limited struct {
	*os.File
	path      string
	max, left int64
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.File.Read(p)
	if l.left -= int64(n); l.left < 0 {
		return 0, fmt.Errorf("reading %s: larger than the %s limit", l.path, human(l.max))
	}
	return n, err
}

// Check says why a file with this information cannot be read whole.
func Check(path string, st os.FileInfo, max int64) error {
	switch m := st.Mode(); {
	case m.IsDir():
		return fmt.Errorf("%s is a directory, not a file", path)
	case !m.IsRegular():
		return fmt.Errorf("%s is not a regular file (%s)", path, kind(m))
	case st.Size() > max:
		return fmt.Errorf("%s is %d bytes, larger than the %s limit", path, st.Size(), human(max))
	}
	return nil
}

// readAll reads to EOF, failing past max bytes (a file that grows while it
// is read).
func readAll(r io.Reader, b []byte, max int64) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > max {
			return nil, fmt.Errorf("larger than the %s limit", human(max))
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func kind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

func human(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

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
	// Stat before opening: opening a FIFO blocks until a writer comes.
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := Check(path, st, max); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 0, st.Size()+1)
	b, err = readAll(f, b, max)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return b, nil
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

// Package outpath checks the files gorerun is told to write before anything
// runs: an output that is the same file as an input or another output, or
// that cannot be a file, is refused; temporary files a killed run left next
// to an output are removed.
package outpath

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gorerun/gorerun/internal/file/atomicfile"
	"github.com/gorerun/gorerun/internal/file/inputfile"
)

// Named is a file named on the command line, with the flag that named it.
type Named struct{ Flag, Path string }

// StaleAge is how old a temporary file next to an output must be before
// it counts as left behind by a killed run.
const StaleAge = time.Minute

// Check checks each output path and that no output is the same file as an
// input or an earlier output (compared as files, through symlinks).
// appendOnly names the flag of an output that is appended to, which may be
// a FIFO or a device.
func Check(inputs, outputs []Named, appendOnly string) error {
	for i, out := range outputs {
		if err := checkOutput(out, out.Flag == appendOnly); err != nil {
			return err
		}
		for _, other := range append(append([]Named(nil), inputs...), outputs[:i]...) {
			if sameFile(out.Path, other.Path) {
				return fmt.Errorf("%s %s is the same file as %s %s: gorerun would overwrite it; name another file", out.Flag, out.Path, other.Flag, other.Path)
			}
		}
	}
	return nil
}

func checkOutput(out Named, appended bool) error {
	st, err := os.Stat(out.Path)
	switch {
	case err == nil && (st.IsDir() || !appended):
		if err := inputfile.Check(out.Path, st, math.MaxInt64); err != nil {
			return fmt.Errorf("%s %w; give a file name", out.Flag, err)
		}
	case strings.HasSuffix(out.Path, "/") || strings.HasSuffix(out.Path, string(os.PathSeparator)):
		return fmt.Errorf("%s %s names a directory; give a file name", out.Flag, out.Path)
	}
	return nil // a new file; an unwritable place is refused when it is created
}

// sameFile reports whether a and b name one file: an existing one (through
// hard and symbolic links), or, when one does not exist yet, the same
// place once the symlinks of its existing directories are resolved.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	return canonical(a) == canonical(b)
}

// canonical is path made absolute and clean, with the symlinks of its
// longest existing part resolved (and the file's own, when it is a
// dangling link: writing follows it).
func canonical(path string) string {
	if target, err := atomicfile.Resolve(path); err == nil {
		path = target
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest)
		}
		if filepath.Dir(dir) == dir {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// RemoveStale removes temporary files a killed run left next to path and
// says so on w.
func RemoveStale(path string, w io.Writer) {
	if n, _ := atomicfile.RemoveStale(path, StaleAge); n > 0 {
		files := "files"
		if n == 1 {
			files = "file"
		}
		fmt.Fprintf(w, "gorerun: removed %d temporary %s that an interrupted run left next to %s\n", n, files, path)
	}
}

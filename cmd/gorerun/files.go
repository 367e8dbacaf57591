package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"
	"time"

	"github.com/gorerun/gorerun/internal/atomicfile"
	"github.com/gorerun/gorerun/internal/inputfile"
)

// namedFile is a file named on the command line, with the flag that named it.
type namedFile struct{ flag, path string }

// staleAge is how old a temporary file next to an output must be before it
// counts as left behind by a killed run.
const staleAge = time.Minute

// checkFiles refuses, before anything runs, an output that is the same file
// as an input or as another output (compared as files, through symlinks),
// or that cannot be a file; and a -C directory that does not exist. It then
// removes the temporary files killed runs left next to the outputs, saying
// so on stderr.
func checkFiles(o *options, getenv func(string) string, stderr io.Writer) error {
	if o.dir != "" {
		st, err := os.Stat(o.dir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("-C %s: no such directory", o.dir)
		case err != nil:
			return fmt.Errorf("-C %s: %w", o.dir, err)
		case !st.IsDir():
			return fmt.Errorf("-C %s: not a directory", o.dir)
		}
	}
	var inputs, outputs []namedFile
	if o.input != "" && o.input != "-" {
		inputs = append(inputs, namedFile{"--input", o.input})
	}
	if o.lastFailed.file != "" {
		inputs = append(inputs, namedFile{"--last-failed", o.lastFailed.file})
	}
	for _, f := range o.shardTimings {
		inputs = append(inputs, namedFile{"--shard-timings", f})
	}
	for _, f := range []namedFile{{"--junitfile", o.junitFile}, {"--jsonfile", o.jsonFile},
		{"--summary-md", summaryPath(o, getenv)}, {"--update-xml", o.updateXML}} {
		if f.path != "" {
			outputs = append(outputs, f)
		}
	}
	if err := checkOutputs(inputs, outputs); err != nil {
		return err
	}
	for _, out := range outputs {
		if out.flag != "--summary-md" { // appended to, never replaced
			removeStale(out.path, stderr)
		}
	}
	return nil
}

// checkOutputs checks each output path and that no output is the same file
// as an input or an earlier output.
func checkOutputs(inputs, outputs []namedFile) error {
	for i, out := range outputs {
		if err := checkOutput(out); err != nil {
			return err
		}
		for _, other := range append(append([]namedFile(nil), inputs...), outputs[:i]...) {
			if sameFile(out.path, other.path) {
				return fmt.Errorf("%s %s is the same file as %s %s: gorerun would overwrite it; name another file", out.flag, out.path, other.flag, other.path)
			}
		}
	}
	return nil
}

// checkOutput says why a path cannot take a report.
func checkOutput(out namedFile) error {
	st, err := os.Stat(out.path)
	switch {
	case err == nil && (st.IsDir() || out.flag != "--summary-md"):
		// --summary-md appends, so a FIFO or device may take it.
		if err := inputfile.Check(out.path, st, math.MaxInt64); err != nil {
			return fmt.Errorf("%s %w; give a file name", out.flag, err)
		}
	case strings.HasSuffix(out.path, "/") || strings.HasSuffix(out.path, string(os.PathSeparator)):
		return fmt.Errorf("%s %s names a directory; give a file name", out.flag, out.path)
	}
	return nil // a new file; an unwritable place is refused when it is created
}

// sameFile reports whether two paths name one existing file.
func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// removeStale removes temporary files a killed run left next to path.
func removeStale(path string, stderr io.Writer) {
	if n, _ := atomicfile.RemoveStale(path, staleAge); n > 0 {
		fmt.Fprintf(stderr, "gorerun: removed %d temporary %s that an interrupted run left next to %s\n", n, pluralWord(n, "file"), path)
	}
}

func pluralWord(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

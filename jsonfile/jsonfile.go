// Package jsonfile writes --jsonfile: every event of every attempt as go
// test wrote it, with an "Attempt" field added, atomically.
package jsonfile

import (
	"fmt"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/atomicfile"
	"github.com/gorerun/gorerun/output"
	"github.com/gorerun/gorerun/testjson"
)

// Writer is the --jsonfile output.
type Writer struct {
	output.Hooks
	f   *atomicfile.File
	buf []byte
	err error
}

// Create starts the file at path; nothing is visible there until Finish.
func Create(path string) (*Writer, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--jsonfile: %w", err)
	}
	return &Writer{f: f}, nil
}

// Event writes one event, tagged with its attempt.
func (w *Writer) Event(attempt int, ev *testjson.Event, line []byte, _ *grouping.Package) {
	if w.err != nil {
		return
	}
	w.buf = ev.AppendTagged(w.buf[:0], line, attempt)
	_, w.err = w.f.Write(w.buf)
}

// Finish commits the file.
func (w *Writer) Finish(output.Result) error {
	if w.err != nil {
		w.f.Abort()
		return fmt.Errorf("--jsonfile: %w", w.err)
	}
	return w.f.Commit()
}

// Abort discards the file.
func (w *Writer) Abort() { w.f.Abort() }

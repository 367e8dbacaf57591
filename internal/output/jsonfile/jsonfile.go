// Package jsonfile writes --jsonfile: every event of every attempt as go
// test wrote it, with an "Attempt" field added, atomically; and
// --jsonfile-timing-events, the same for the pass, skip and fail events
// only.
package jsonfile

import (
	"fmt"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/file/atomicfile"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/testjson"
)

// Writer is the --jsonfile output.
type Writer struct {
	output.Hooks
	flag       string // the flag that named the file, for errors
	f          *atomicfile.File
	timingOnly bool
	buf        []byte
	err        error
}

// Create starts the --jsonfile at path; nothing is visible there until
// Finish.
func Create(path string) (*Writer, error) {
	return create(path, "--jsonfile", false)
}

// CreateTiming starts the --jsonfile-timing-events file at path: only the
// pass, skip and fail events, as gotestsum writes it.
func CreateTiming(path string) (*Writer, error) {
	return create(path, "--jsonfile-timing-events", true)
}

func create(path, flag string, timingOnly bool) (*Writer, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	return &Writer{flag: flag, f: f, timingOnly: timingOnly}, nil
}

// ReadsLines is true: the file holds each event's line as go test wrote it.
func (w *Writer) ReadsLines() bool { return true }

// Event writes one event, tagged with its attempt.
func (w *Writer) Event(attempt int, ev *testjson.Event, line []byte, _ *grouping.Package) {
	if w.err != nil {
		return
	}
	if w.timingOnly && (ev.NotJSON || (ev.Action != testjson.ActionPass && ev.Action != testjson.ActionSkip && ev.Action != testjson.ActionFail)) {
		return
	}
	w.buf = ev.AppendTagged(w.buf[:0], line, attempt)
	_, w.err = w.f.Write(w.buf)
}

// Finish commits the file.
func (w *Writer) Finish(output.Result) error {
	if w.err != nil {
		w.f.Abort()
		return fmt.Errorf("%s: %w", w.flag, w.err)
	}
	return w.f.Commit()
}

// Abort discards the file.
func (w *Writer) Abort() { w.f.Abort() }

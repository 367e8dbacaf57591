package testjson

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Decoder reads events from a `go test -json` stream, one line at a time,
// modeled on bufio.Scanner: call Scan until it returns false, then Err.
//
// Lines may be of any length. A line that is not a JSON event is returned as
// an output event with NotJSON set, so nothing the stream held is lost.
type Decoder struct {
	r         *bufio.Reader
	long      []byte // accumulates lines longer than the reader's buffer
	line      []byte
	ev        Event
	lineNo    int
	err       error
	truncated bool
	events    int // JSON events decoded
	fast      decodeState
}

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: bufio.NewReaderSize(r, 64*1024)}
}

// Scan advances to the next event. It returns false at the end of the stream
// or on a read error.
func (d *Decoder) Scan() bool {
	if d.err != nil {
		return false
	}
	line, err := d.readLine()
	if err != nil {
		if !errors.Is(err, io.EOF) {
			d.err = fmt.Errorf("line %d: %w", d.lineNo+1, err)
			return false
		}
		if len(line) == 0 {
			return false
		}
	}
	d.lineNo++
	d.line = line
	noNewline := err != nil
	content := line
	for len(content) > 0 && (content[len(content)-1] == '\n' || content[len(content)-1] == '\r') {
		content = content[:len(content)-1]
	}
	d.ev = Event{}
	if d.decodeEvent(content, &d.ev) {
		d.events++
		return true
	}
	if noNewline && len(content) > 0 && content[0] == '{' {
		d.truncated = true
	}
	d.ev = Event{Action: ActionOutput, Output: string(content) + "\n", NotJSON: true}
	return true
}

func (d *Decoder) readLine() ([]byte, error) {
	line, err := d.r.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return line, err
	}
	d.long = append(d.long[:0], line...)
	for {
		line, err = d.r.ReadSlice('\n')
		d.long = append(d.long, line...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return d.long, err
		}
	}
}

// Event returns the event read by the last Scan. It is overwritten by the
// next call to Scan.
func (d *Decoder) Event() *Event { return &d.ev }

// Line returns the raw line behind the last event, including its newline if
// it had one. It is valid until the next call to Scan.
func (d *Decoder) Line() []byte { return d.line }

// LineNumber returns the 1-based number of the line read by the last Scan.
func (d *Decoder) LineNumber() int { return d.lineNo }

// Events returns how many lines so far were JSON events.
func (d *Decoder) Events() int { return d.events }

// Truncated reports whether the stream ended in a line that looked like the
// start of a JSON event but was cut off.
func (d *Decoder) Truncated() bool { return d.truncated }

// Err returns the first read error, not counting io.EOF.
func (d *Decoder) Err() error { return d.err }

// decodeEvent decodes one line. It tries the fast decoder for the shape
// test2json writes and falls back to encoding/json for anything else.
func (d *Decoder) decodeEvent(line []byte, ev *Event) bool {
	if len(line) < 2 || line[0] != '{' {
		return false
	}
	if d.fast.decode(line, ev) {
		return ev.Action != ""
	}
	*ev = Event{}
	if err := json.Unmarshal(line, ev); err != nil {
		*ev = Event{}
		return false
	}
	return ev.Action != ""
}

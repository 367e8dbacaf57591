package testjson

import (
	"bytes"
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
//
// An event's Output and its line share the decoder's read buffers instead
// of being copied, so a typical event costs no allocation. By default the
// decoder never writes into a buffer again once a line of it was returned,
// and events stay valid for good (a kept output line keeps its whole
// buffer alive: clone it). A reader of a long stream recycles buffers
// instead: Reuse, or AppendRetired and Recycle when events are used on
// another goroutine. Then an event's Output and line are valid only until
// their buffers are recycled, and whoever keeps Output must clone it.
// Every other field is a copy (names are interned) and may be kept.
type Decoder struct {
	r         io.Reader
	pool      pool
	buf       []byte // buf[pos:] is read but not returned yet
	pos       int
	seen      int   // buf[pos:seen] holds no newline
	next      int   // when above pos: the end of the next line, found by Ready
	rerr      error // the reader's error, reported once buf is used up
	line      []byte
	ev        Event
	lineNo    int
	err       error
	truncated bool
	events    int // JSON events decoded
	fast      decodeState
}

// readSize is the size of the decoder's read buffers; a line longer than
// that gets a buffer of its own.
const readSize = 128 << 10

// minRead is the least free space worth a Read; with less, the unread rest
// moves to a new buffer.
const minRead = 4 << 10

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	d := &Decoder{r: r}
	d.fast.pool = &d.pool
	return d
}

// Scan advances to the next event. It returns false at the end of the stream
// or on a read error.
func (d *Decoder) Scan() bool {
	d.ev = Event{}
	return d.ScanInto(&d.ev)
}

// ScanInto is Scan decoding into ev, which must be the zero Event, instead
// of into the decoder's own event (Event does not return it). It saves a
// copy when events are collected in a slice.
func (d *Decoder) ScanInto(ev *Event) bool {
	if d.err != nil {
		return false
	}
	line, ok := d.readLine()
	if !ok {
		if d.rerr != nil && !errors.Is(d.rerr, io.EOF) {
			d.err = fmt.Errorf("line %d: %w", d.lineNo+1, d.rerr)
		}
		return false
	}
	d.lineNo++
	d.line = line
	noNewline := line[len(line)-1] != '\n'
	content := line
	for len(content) > 0 && (content[len(content)-1] == '\n' || content[len(content)-1] == '\r') {
		content = content[:len(content)-1]
	}
	if d.decodeEvent(content, ev) {
		d.events++
		return true
	}
	if noNewline && len(content) > 0 && content[0] == '{' {
		d.truncated = true
	}
	*ev = Event{Action: ActionOutput, Output: string(content) + "\n", NotJSON: true}
	return true
}

// readLine returns the next line with its newline, or the last one
// without; ok is false when the stream has no more lines or a read failed
// (d.rerr says which).
func (d *Decoder) readLine() (line []byte, ok bool) {
	if end := d.next; end > d.pos {
		d.next = 0
		line = d.buf[d.pos:end:end]
		d.pos, d.seen = end, end
		return line, true
	}
	for noProgress := 0; ; {
		if i := bytes.IndexByte(d.buf[d.seen:], '\n'); i >= 0 {
			end := d.seen + i + 1
			line = d.buf[d.pos:end:end]
			d.pos, d.seen = end, end
			return line, true
		}
		d.seen = len(d.buf)
		if d.rerr != nil {
			if d.pos == len(d.buf) || !errors.Is(d.rerr, io.EOF) {
				return nil, false
			}
			line = d.buf[d.pos:len(d.buf):len(d.buf)]
			d.pos = len(d.buf)
			return line, true
		}
		if n := d.fill(); n > 0 {
			noProgress = 0
		} else if noProgress++; noProgress >= 100 && d.rerr == nil {
			d.rerr = io.ErrNoProgress
		}
	}
}

// Ready reports whether the next Scan returns without reading from the
// stream (a whole line is buffered, or the stream has ended): a reader
// that collects events hands over what it has before a Scan that may wait
// for a live stream.
func (d *Decoder) Ready() bool {
	if d.err != nil || d.rerr != nil || d.next > d.pos {
		return true
	}
	i := bytes.IndexByte(d.buf[d.seen:], '\n')
	if i < 0 {
		d.seen = len(d.buf)
		return false
	}
	d.next = d.seen + i + 1
	return true
}

// UnescapeInPlace lets the decoder write into the lines it reads: an
// Output whose only escape is its final newline (most of them), at the end
// of its line, then shares the line's bytes instead of being copied, and
// Line no longer returns that line as it was read. For readers that do not
// use Line.
func (d *Decoder) UnescapeInPlace() { d.fast.inPlace = true }

// fill reads once into the free end of the buffer. When too little is
// free, the unread rest moves to a new buffer: bytes already returned are
// never written again.
func (d *Decoder) fill() int {
	if cap(d.buf)-len(d.buf) < minRead {
		rest := d.buf[d.pos:]
		var nb []byte
		if len(rest) <= readSize/2 {
			nb = d.pool.take(readSize)
		} else {
			nb = make([]byte, 0, 2*len(rest))
		}
		nb = append(nb, rest...)
		d.pool.retire(d.buf)
		d.seen -= d.pos
		d.buf, d.pos, d.next = nb, 0, 0
	}
	n, err := d.r.Read(d.buf[len(d.buf):cap(d.buf)])
	d.buf = d.buf[:len(d.buf)+n]
	if err != nil {
		d.rerr = err
	}
	return n
}

// AppendRetired appends to dst the buffers the decoder has finished
// with since the last call: they hold events already returned and nothing
// it will return. Give them back to Recycle when those events are no
// longer used.
func (d *Decoder) AppendRetired(dst [][]byte) [][]byte {
	dst = append(dst, d.pool.retired...)
	clear(d.pool.retired)
	d.pool.retired = d.pool.retired[:0]
	return dst
}

// Recycle lets the decoder use bufs again, which AppendRetired returned:
// the Output and line of every event in them must no longer be in use.
func (d *Decoder) Recycle(bufs [][]byte) {
	for _, b := range bufs {
		d.pool.recycle(b)
	}
}

// Reuse recycles every buffer the decoder has finished with: the events
// returned before the last one are no longer used. A reader that handles
// each event before it scans the next calls it after each Scan.
func (d *Decoder) Reuse() {
	d.Recycle(d.pool.retired)
	clear(d.pool.retired)
	d.pool.retired = d.pool.retired[:0]
}

// pool holds the buffers a decoder is done with: retired ones may still
// be in use by events returned, free ones are for reuse.
type pool struct {
	retired, free [][]byte
}

// maxFree bounds the recycled buffers kept.
const maxFree = 16

// take returns a free buffer of capacity size, emptied, or a new one.
func (p *pool) take(size int) []byte {
	if p != nil {
		for i := len(p.free) - 1; i >= 0; i-- {
			if b := p.free[i]; cap(b) == size {
				p.free[i] = p.free[len(p.free)-1]
				p.free = p.free[:len(p.free)-1]
				return b[:0]
			}
		}
	}
	return make([]byte, 0, size)
}

// retire records that b will not be read into or returned from again, if
// it is of a size that is reused (a buffer grown for one long line is
// left to the garbage collector at once). A reader that never recycles
// does not make the list grow: past maxRetired the oldest are forgotten.
func (p *pool) retire(b []byte) {
	if p == nil || !reusable(b) {
		return
	}
	if len(p.retired) >= maxRetired {
		n := copy(p.retired, p.retired[maxRetired/2:])
		clear(p.retired[n:])
		p.retired = p.retired[:n]
	}
	p.retired = append(p.retired, b)
}

// maxRetired bounds the retired buffers remembered.
const maxRetired = 32

// recycle keeps b for reuse.
func (p *pool) recycle(b []byte) {
	if reusable(b) && len(p.free) < maxFree {
		p.free = append(p.free, b)
	}
}

// reusable reports whether b is a read buffer or an arena of the standard
// size: buffers grown for one long line or string are not reused.
func reusable(b []byte) bool { return cap(b) == readSize || cap(b) == arenaSize }

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

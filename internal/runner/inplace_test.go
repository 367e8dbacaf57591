package runner

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/testutil/streamgen"
	"github.com/gorerun/gorerun/testjson"
)

// lineChecker compares every event (and, if it reads lines, every line)
// with the stream decoded line by line by encoding/json.
type lineChecker struct {
	noObserver
	t         *testing.T
	lines     [][]byte
	n         int
	readLines bool
}

func (c *lineChecker) ReadsLines() bool { return c.readLines }

func (c *lineChecker) Event(_ int, ev *testjson.Event, line []byte, _ *grouping.Package) {
	want := c.lines[c.n]
	c.n++
	var w testjson.Event
	if err := json.Unmarshal(want, &w); err != nil {
		c.t.Fatal(err)
	}
	if !reflect.DeepEqual(*ev, w) {
		c.t.Fatalf("line %d: event %+v, want %+v", c.n, *ev, w)
	}
	if c.readLines && !bytes.Equal(line, want) {
		c.t.Fatalf("line %d: an observer that reads lines got %q, want %q", c.n, line, want)
	}
}

// When no output reads the raw lines, the decoder unescapes outputs in
// the lines themselves: the events are the same; an output that reads
// lines (--jsonfile) gets them as the stream has them.
func TestReadDecodesInPlaceOnlyWithoutLineReaders(t *testing.T) {
	var stream bytes.Buffer
	if _, err := streamgen.Generate(&stream, streamgen.Config{Seed: 5, Bytes: 2 << 20, Packages: 6, FailEvery: 4}); err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	for line := range bytes.Lines(stream.Bytes()) {
		lines = append(lines, bytes.Clone(line))
	}
	for _, readLines := range []bool{false, true} {
		c := &lineChecker{t: t, lines: lines, readLines: readLines}
		if _, err := Read(bytes.NewReader(bytes.Clone(stream.Bytes())), "stream", c, grouping.Options{Attempt: 1}); err != nil {
			t.Fatal(err)
		}
		if c.n != len(lines) {
			t.Fatalf("%d events, want %d", c.n, len(lines))
		}
	}
}

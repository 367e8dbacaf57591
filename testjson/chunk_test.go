package testjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/gorerun/gorerun/internal/testutil/streamgen"
)

// generated returns a generated stream of about n bytes.
func generated(t testing.TB, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := streamgen.Generate(&buf, streamgen.Config{Seed: 7, Bytes: n, Packages: 8, FailEvery: 5, BuildFailPm: 20}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// reference decodes every line on its own with encoding/json.
func reference(t *testing.T, in []byte) []Event {
	t.Helper()
	var want []Event
	for line := range bytes.Lines(in) {
		var ev Event
		if err := json.Unmarshal(line, &ev); err != nil {
			t.Fatalf("generated line is not JSON: %v: %q", err, line)
		}
		want = append(want, ev)
	}
	return want
}

// randomReads returns at most a random number of bytes per Read, as a pipe
// from a running go test does.
type randomReads struct {
	r   io.Reader
	rnd *rand.Rand
}

func (r randomReads) Read(p []byte) (int, error) {
	if n := 1 + r.rnd.IntN(300); n < len(p) {
		p = p[:n]
	}
	return r.r.Read(p)
}

// TestDecoderEventsOutliveScan keeps every event and line of a stream read
// in pieces of every size and checks them at the end: what a Scan returned
// must not change when later lines are read (the events alias the
// decoder's buffers, which are never written again).
func TestDecoderEventsOutliveScan(t *testing.T) {
	in := generated(t, 2<<20)
	want := reference(t, in)
	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(in) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(in)) },
		"random":   func() io.Reader { return randomReads{bytes.NewReader(in), rand.New(rand.NewPCG(1, 2))} },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(in)) },
		"data+EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(in)) },
	}
	for name, r := range readers {
		t.Run(name, func(t *testing.T) {
			d := NewDecoder(r())
			var got []Event
			var lines [][]byte
			for d.Scan() {
				got = append(got, *d.Event())
				lines = append(lines, d.Line())
			}
			if err := d.Err(); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d events, want %d", len(got), len(want))
			}
			i := 0
			for line := range bytes.Lines(in) {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("event %d: got %+v\nwant %+v", i, got[i], want[i])
				}
				if !bytes.Equal(lines[i], line) {
					t.Fatalf("line %d: got %q, want %q", i, lines[i], line)
				}
				i++
			}
		})
	}
}

// TestDecoderAllocations holds the decoder to a small fraction of an
// allocation per event: names are interned, outputs and lines share the
// decoder's read buffers, times are computed without time.Date.
func TestDecoderAllocations(t *testing.T) {
	in := generated(t, 4<<20)
	events := len(reference(t, in))
	allocs := testing.AllocsPerRun(3, func() {
		d := NewDecoder(bytes.NewReader(in))
		for d.Scan() {
		}
	})
	if perEvent := allocs / float64(events); perEvent > 0.02 {
		t.Fatalf("%.0f allocations for %d events (%.3f an event), want at most 0.02 an event", allocs, events, perEvent)
	}
}

// TestDecoderLongLines reads lines longer than the read buffer, mixed with
// short ones, through small reads.
func TestDecoderLongLines(t *testing.T) {
	var in bytes.Buffer
	var want []Event
	for i, n := range []int{10, readSize - 40, readSize, readSize + 1, 3 * readSize, 5, 2*readSize - 7} {
		ev := Event{Action: ActionOutput, Package: "p", Test: "T", Output: strings.Repeat(string(rune('a'+i)), n) + "\n"}
		b, _ := json.Marshal(ev)
		in.Write(b)
		in.WriteByte('\n')
		want = append(want, ev)
	}
	d := NewDecoder(iotest.HalfReader(bytes.NewReader(in.Bytes())))
	var got []Event
	for d.Scan() {
		got = append(got, *d.Event())
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("long lines decoded differently")
	}
}

// TestParseTimeSequence parses a sequence of times through one decoder
// state, so that what it remembers of the previous time (the minute's
// start) is used and must be right across minute, hour, day, month, year
// and zone changes.
func TestParseTimeSequence(t *testing.T) {
	var st decodeState
	times := []string{
		"2026-11-23T10:00:00.123456789Z",
		"2026-11-23T10:00:59.999999999Z",
		"2026-11-23T10:01:00Z",
		"2026-11-23T10:59:59.5Z",
		"2026-11-23T11:00:00.000001Z",
		"2026-11-23T23:59:59Z",
		"2026-11-24T00:00:00Z",
		"2026-12-31T23:59:59.9Z",
		"2027-01-01T00:00:00Z",
		"2028-02-29T12:00:00Z",
		"2028-02-30T12:00:00Z", // no such day: time.Parse refuses it
		"2026-11-23T10:00:00.5+01:00",
		"2026-11-23T10:00:01.5+01:00",
		"2026-11-23T10:00:01.5-07:30",
		"2026-11-23T10:00:01.5Z",
		"2026-11-23T10:00:01.5+00:00",
		"2026-11-23T10:00:02Z",
		"1969-12-31T23:59:59.25Z",
		"0001-01-01T00:00:00Z",
		"9999-12-31T23:59:59.999999999Z",
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 11, 23, 23, 58, 0, 0, time.UTC)
	for range 2000 {
		base = base.Add(time.Duration(rnd.IntN(400_000)) * time.Microsecond)
		times = append(times, base.Format(time.RFC3339Nano))
	}
	for _, s := range times {
		want, werr := time.Parse(time.RFC3339Nano, s)
		got, ok := st.parseTime([]byte(s))
		if ok != (werr == nil) {
			t.Fatalf("%s: ok %v, time.Parse error %v", s, ok, werr)
		}
		if ok && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %v (%#v), want %v", s, got, got, want)
		}
	}
}

// TestDecoderReuse reads a stream of many buffers, recycling them after
// each event as a reader that handles events one at a time does: the
// outputs, cloned at once, are the stream's, and the decoder reads into the
// same few buffers instead of new ones.
func TestDecoderReuse(t *testing.T) {
	in := generated(t, 4<<20)
	want := reference(t, in)
	d := NewDecoder(bytes.NewReader(in))
	i := 0
	for d.Scan() {
		if got := strings.Clone(d.Event().Output); got != want[i].Output {
			t.Fatalf("event %d: output %q, want %q", i, got, want[i].Output)
		}
		d.Reuse()
		i++
	}
	if i != len(want) {
		t.Fatalf("%d events, want %d", i, len(want))
	}
	allocated := func(reuse bool) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d := NewDecoder(bytes.NewReader(in))
		for d.Scan() {
			if reuse {
				d.Reuse()
			}
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	kept, reused := allocated(false), allocated(true)
	if kept < uint64(len(in)) || reused > kept/3 {
		t.Fatalf("bytes allocated reading %d bytes: %d keeping the buffers, %d reusing them", len(in), kept, reused)
	}
}

// TestDecoderRetiredThenRecycled hands retired buffers back as a reader
// on another goroutine does, once the events in them are handled.
func TestDecoderRetiredThenRecycled(t *testing.T) {
	in := generated(t, 3<<20)
	want := reference(t, in)
	d := NewDecoder(iotest.HalfReader(bytes.NewReader(in)))
	var pending [][]byte
	var outputs []string
	for d.Scan() {
		outputs = append(outputs, d.Event().Output) // kept until the batch is handled
		if len(outputs)%500 == 0 {
			for j, o := range outputs[len(outputs)-500:] {
				if k := len(outputs) - 500 + j; o != want[k].Output {
					t.Fatalf("event %d: output %q, want %q", k, o, want[k].Output)
				}
			}
			d.Recycle(pending) // the batch before this one is handled
			pending = d.AppendRetired(nil)
		}
	}
	if len(outputs) != len(want) {
		t.Fatalf("%d events, want %d", len(outputs), len(want))
	}
}

// TestDecoderLongLineKeepsNoGrowthBuffers: a line far longer than a read
// buffer is gathered in buffers of doubling size; those that cannot be
// reused must not stay remembered (a 64 MB line would otherwise hold about
// twice its size more).
func TestDecoderLongLineKeepsNoGrowthBuffers(t *testing.T) {
	line := `{"Action":"output","Package":"p","Output":"` + strings.Repeat("x", 64<<20) + `"}` + "\n"
	d := NewDecoder(strings.NewReader(line + `{"Action":"pass","Package":"p"}` + "\n"))
	for d.Scan() {
	}
	var kept int
	for _, b := range d.pool.retired {
		kept += cap(b)
	}
	if kept > 4*readSize {
		t.Fatalf("%d MB of retired buffers remembered after a 64 MB line", kept>>20)
	}
}

// Ready says whether a whole line is buffered, and asking it changes
// nothing that Scan returns, whatever the reads return at a time.
func TestReadyChangesNothing(t *testing.T) {
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, `{"Action":"output","Package":"p","Test":"T%d","Output":"line %d %s\n"}`+"\n", i%7, i, strings.Repeat("x", i%50))
		if i%40 == 0 {
			b.WriteString("not json\n")
		}
	}
	b.WriteString(`{"Action":"pass","Package":"p"}`) // no newline at the end
	in := b.String()
	scan := func(r io.Reader, ask bool) (lines []string, ready int) {
		d := NewDecoder(r)
		for {
			if ask && d.Ready() {
				ready++
			}
			if !d.Scan() {
				break
			}
			lines = append(lines, string(d.Line())+"|"+d.Event().Output+d.Event().Test)
		}
		if d.Err() != nil {
			t.Fatal(d.Err())
		}
		return lines, ready
	}
	want, _ := scan(strings.NewReader(in), false)
	for name, r := range map[string]func() io.Reader{
		"one byte at a time": func() io.Reader { return iotest.OneByteReader(strings.NewReader(in)) },
		"half reads":         func() io.Reader { return iotest.HalfReader(strings.NewReader(in)) },
		"whole":              func() io.Reader { return strings.NewReader(in) },
	} {
		got, ready := scan(r(), true)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: asking Ready changed what Scan returned", name)
		}
		if name == "one byte at a time" && ready > 1 {
			t.Errorf("%s: Ready said a line was buffered %d times (bytes come one at a time)", name, ready)
		}
		if name == "whole" && ready < len(want)/2 {
			t.Errorf("%s: Ready said a line was buffered only %d times of %d", name, ready, len(want))
		}
	}
}

package testjson

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

func collect(t *testing.T, input string) ([]Event, *Decoder) {
	t.Helper()
	d := NewDecoder(strings.NewReader(input))
	var evs []Event
	for d.Scan() {
		evs = append(evs, *d.Event())
	}
	if err := d.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	return evs, d
}

func TestDecoder(t *testing.T) {
	ts := time.Date(2026, 11, 23, 10, 0, 0, 123456789, time.UTC)
	long := strings.Repeat("x", 200*1024)
	type testCase struct {
		name      string
		input     string
		want      []Event
		truncated bool
	}
	run := func(t *testing.T, tc testCase) {
		got, d := collect(t, tc.input)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("events:\n got %+v\nwant %+v", got, tc.want)
		}
		if d.Truncated() != tc.truncated {
			t.Errorf("Truncated() = %v, want %v", d.Truncated(), tc.truncated)
		}
	}
	testCases := []testCase{
		{
			name:  "test2json shape",
			input: `{"Time":"2026-11-23T10:00:00.123456789Z","Action":"pass","Package":"example.com/p","Test":"TestA/sub#01","Elapsed":0.25}` + "\n",
			want:  []Event{{Time: ts, Action: ActionPass, Package: "example.com/p", Test: "TestA/sub#01", Elapsed: 0.25}},
		},
		{
			name:  "escaped output without newline at end of stream",
			input: `{"Action":"output","Package":"p","Test":"T","Output":"a\tb \"q\" \u00e9 \ud83d\ude00\\\n"}`,
			want:  []Event{{Action: ActionOutput, Package: "p", Test: "T", Output: "a\tb \"q\" é 😀\\\n"}},
		},
		{
			name:  "build events",
			input: `{"ImportPath":"p [p.test]","Action":"build-output","Output":"# p\n"}` + "\n" + `{"ImportPath":"p [p.test]","Action":"build-fail"}` + "\n",
			want: []Event{
				{Action: ActionBuildOutput, ImportPath: "p [p.test]", Output: "# p\n"},
				{Action: ActionBuildFail, ImportPath: "p [p.test]"},
			},
		},
		{
			name:  "unknown fields fall back to encoding/json",
			input: `{"Action":"output","Package":"p","Output":"x\n","Future":{"a":[1,2]}}` + "\n",
			want:  []Event{{Action: ActionOutput, Package: "p", Output: "x\n"}},
		},
		{
			name:  "white space falls back",
			input: `{ "Action" : "run", "Package": "p", "Test": "TestA" }` + "\r\n",
			want:  []Event{{Action: ActionRun, Package: "p", Test: "TestA"}},
		},
		{
			name:  "new actions and fields are kept",
			input: `{"Action":"attr","Package":"p","Test":"T","Key":"k","Value":"v"}` + "\n" + `{"Action":"output","Package":"p","Output":"x","OutputType":"error"}` + "\n",
			want: []Event{
				{Action: ActionAttr, Package: "p", Test: "T", Key: "k", Value: "v"},
				{Action: ActionOutput, Package: "p", Output: "x", OutputType: "error"},
			},
		},
		{
			name:  "non-JSON lines are kept as output",
			input: "hello\n{not json}\n{\"Package\":\"p\"}\n\n",
			want: []Event{
				{Action: ActionOutput, Output: "hello\n", NotJSON: true},
				{Action: ActionOutput, Output: "{not json}\n", NotJSON: true},
				{Action: ActionOutput, Output: "{\"Package\":\"p\"}\n", NotJSON: true},
				{Action: ActionOutput, Output: "\n", NotJSON: true},
			},
		},
		{
			name:      "truncated last line",
			input:     `{"Action":"run","Package":"p"}` + "\n" + `{"Action":"pass","Pack`,
			want:      []Event{{Action: ActionRun, Package: "p"}, {Action: ActionOutput, Output: `{"Action":"pass","Pack` + "\n", NotJSON: true}},
			truncated: true,
		},
		{
			name:  "line longer than any buffer",
			input: `{"Action":"build-output","ImportPath":"p","Output":"` + long + `"}` + "\n" + `{"Action":"build-fail","ImportPath":"p"}` + "\n",
			want:  []Event{{Action: ActionBuildOutput, ImportPath: "p", Output: long}, {Action: ActionBuildFail, ImportPath: "p"}},
		},
		{
			name:  "invalid UTF-8 is replaced as encoding/json does",
			input: "{\"Action\":\"output\",\"Output\":\"a\xffb\"}\n",
			want:  []Event{{Action: ActionOutput, Output: "a\uFFFDb"}},
		},
		{
			name:  "empty input",
			input: "",
		},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestDecoderLineNumbers(t *testing.T) {
	d := NewDecoder(strings.NewReader("a\n{\"Action\":\"run\"}\nb"))
	var lines []int
	for d.Scan() {
		lines = append(lines, d.LineNumber())
	}
	if !reflect.DeepEqual(lines, []int{1, 2, 3}) || d.Events() != 1 {
		t.Fatalf("lines %v events %d", lines, d.Events())
	}
}

// FuzzFastDecode checks that whenever the fast decoder accepts a line, it
// agrees with encoding/json, and that the decoder never panics.
func FuzzFastDecode(f *testing.F) {
	f.Add([]byte(`{"Time":"2026-11-23T10:00:00Z","Action":"output","Package":"p","Test":"T","Output":"x\u0041\n"}`))
	f.Add([]byte(`{"ImportPath":"p [p.test]","Action":"build-fail"}`))
	f.Add([]byte(`{"Action":"pass","Elapsed":1e-3}`))
	f.Add([]byte(`{"Action":"pass","Elapsed":01.5}`))
	f.Add([]byte(`{"Attempt":007,"Action":"pass"}`))
	f.Add([]byte(`{"Attempt":2,"Action":"run","Test":"T"}`))
	f.Add([]byte(`{"Attempt":1,"Worker":3,"Action":"run","Test":"T"}`))
	f.Add([]byte(`{"Attempt":1,"Worker":3,"Workers":4,"Action":"start","Package":"p"}`))
	f.Add([]byte("{\"Action\":\"output\",\"Output\":\"=== RUN   T\\n\"}\n{\"Output\":\"no action\\n\"}\n{\"Action\":\"output\",\"Output\":\"a\\tb\\n\"}"))
	f.Add([]byte("{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T\\\\\"}\n{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T\\\"}\n{\"Action\":\"run\",\"Package\":\"p\",\"Test\":\"T\"}"))
	f.Add([]byte("{\"Action\":\"run\",\"Package\":\"p\\u0041\",\"Test\":\"T\"}\n{\"Action\":\"run\",\"Package\":\"pA\",\"Test\":\"T\"}\n{\"Action\":\"run\",\"Package\":\"pAx\",\"Test\":\"T\"}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast Event
		if fastDecode(b, &fast) {
			var slow Event
			if err := json.Unmarshal(b, &slow); err != nil {
				t.Fatalf("fast accepted what encoding/json rejects (%v): %q", err, b)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("fast %+v != json %+v for %q", fast, slow, b)
			}
		}
		// Lines decoded one after another share names with the previous
		// event's (found without scanning): each still agrees.
		var st decodeState
		for line := range bytes.SplitSeq(b, []byte("\n")) {
			var fast Event
			if st.decode(line, &fast) {
				var slow Event
				if err := json.Unmarshal(line, &slow); err != nil {
					t.Fatalf("fast accepted after earlier lines what encoding/json rejects (%v): %q", err, line)
				}
				if !reflect.DeepEqual(fast, slow) {
					t.Fatalf("after earlier lines, fast %+v != json %+v for %q", fast, slow, line)
				}
			}
		}
		// Decoding in place (UnescapeInPlace) gives the same events, and
		// a line that is not taken as an event stays as it was read.
		inPlace := decodeState{inPlace: true}
		for line := range bytes.SplitSeq(b, []byte("\n")) {
			own := bytes.Clone(line)
			var fast Event
			if inPlace.decode(own, &fast) && fast.Action != "" {
				var slow Event
				if err := json.Unmarshal(line, &slow); err != nil {
					t.Fatalf("in place, fast accepted what encoding/json rejects (%v): %q", err, line)
				}
				if !reflect.DeepEqual(fast, slow) {
					t.Fatalf("in place, fast %+v != json %+v for %q", fast, slow, line)
				}
			} else if !bytes.Equal(own, line) {
				t.Fatalf("a line not taken as an event was changed: %q -> %q", line, own)
			}
		}
		d := NewDecoder(strings.NewReader(string(b)))
		for d.Scan() {
		}
	})
}

func TestSpecial(t *testing.T) {
	for i := 0; i < 256; i++ {
		c := byte(i)
		isSpecial := c == '"' || c == '\\' || c < 0x20 || c >= 0x80
		for n := 1; n < 20; n++ {
			for pos := 0; pos < n; pos++ {
				b := []byte(strings.Repeat("a", n))
				b[pos] = c
				want := n
				if isSpecial {
					want = pos
				}
				if got := special(b); got != want {
					t.Fatalf("special(%q) = %d, want %d", b, got, want)
				}
				// a special byte after another one does not hide it
				if pos+1 < n {
					b[pos+1] = '"'
					if got, want := special(b), min(want, pos+1); got != want {
						t.Fatalf("special(%q) = %d, want %d", b, got, want)
					}
				}
			}
		}
	}
}

func TestAppendTagged(t *testing.T) {
	in := `{"Action":"pass","Package":"p"}` + "\r\n" + "plain text\n" + `{ "Action" : "run" } ` + "\n"
	d := NewDecoder(strings.NewReader(in))
	var out []byte
	for d.Scan() {
		out = d.Event().AppendTagged(out, d.Line(), 2)
	}
	want := `{"Attempt":2,"Action":"pass","Package":"p"}` + "\n" +
		`{"Attempt":2,"Action":"output","Output":"plain text\n"}` + "\n" +
		`{"Attempt":2, "Action" : "run" }` + "\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	d = NewDecoder(strings.NewReader(string(out)))
	for d.Scan() {
		if d.Event().NotJSON || d.Event().Attempt != 2 {
			t.Errorf("tagged line does not decode: %q", d.Line())
		}
	}
}

func TestAppendTaggedWorker(t *testing.T) {
	ev := Event{Action: ActionPass, Package: "p", Worker: 3, Workers: 4}
	got := string(ev.AppendTagged(nil, []byte(`{"Action":"pass","Package":"p"}`), 1))
	if want := `{"Attempt":1,"Worker":3,"Workers":4,"Action":"pass","Package":"p"}` + "\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	d := NewDecoder(strings.NewReader(got))
	if !d.Scan() || d.Event().Worker != 3 || d.Event().Workers != 4 || d.Event().Attempt != 1 {
		t.Fatalf("decoded %+v", d.Event())
	}
}

// naiveSpecial is special's definition, a byte at a time.
func naiveSpecial(b []byte) int {
	for i, c := range b {
		if c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			return i
		}
	}
	return len(b)
}

// Borrows between neighbouring bytes: every pair of bytes side by side at
// every position of a word, and random strings of the bytes next to the
// ones looked for.
func TestSpecialNeighbours(t *testing.T) {
	b := make([]byte, 17)
	for c1 := range 256 {
		for c2 := range 256 {
			for pos := 0; pos+1 < len(b); pos++ {
				for i := range b {
					b[i] = 'a'
				}
				b[pos], b[pos+1] = byte(c1), byte(c2)
				if got, want := special(b), naiveSpecial(b); got != want {
					t.Fatalf("special(%q) = %d, want %d", b, got, want)
				}
			}
		}
	}
	near := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0x81, 0xa2, 0xdc, 0xff, 'a'}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		s := make([]byte, 1+rng.IntN(40))
		for i := range s {
			s[i] = near[rng.IntN(len(near))]
			if rng.IntN(3) > 0 {
				s[i] = 'a'
			}
		}
		if got, want := special(s), naiveSpecial(s); got != want {
			t.Fatalf("special(%q) = %d, want %d", s, got, want)
		}
	}
}

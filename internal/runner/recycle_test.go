package runner

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"testing/iotest"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/testutil/streamgen"
	"github.com/gorerun/gorerun/testjson"
)

// noObserver takes every event and keeps nothing.
type noObserver struct{}

func (noObserver) Event(int, *testjson.Event, []byte, *grouping.Package) {}
func (noObserver) Round(grouping.PlanResult)                             {}
func (noObserver) Refused(grouping.PlanResult, grouping.PlanOptions)     {}
func (noObserver) Resumed(string, []string, int)                         {}

// TestReadKeepsOutputsAcrossRecycledBuffers reads a stream many times the
// decoder's buffers, which it recycles as batches are handled, and checks
// the output every failed test kept against the stream decoded line by line
// with encoding/json: nothing kept may share a buffer that was read into
// again. Reading in pieces of another size moves every boundary.
func TestReadKeepsOutputsAcrossRecycledBuffers(t *testing.T) {
	var stream bytes.Buffer
	if _, err := streamgen.Generate(&stream, streamgen.Config{Seed: 11, Bytes: 6 << 20, Packages: 12, FailEvery: 3}); err != nil {
		t.Fatal(err)
	}
	// The reference: each failed test's output, in order, as the stream has it.
	want := map[[2]string][]byte{}
	failed := map[[2]string]bool{}
	for line := range bytes.Lines(stream.Bytes()) {
		var ev testjson.Event
		if err := json.Unmarshal(line, &ev); err != nil {
			t.Fatal(err)
		}
		k := [2]string{ev.Package, ev.Test}
		switch {
		case ev.Test == "":
		case ev.Action == testjson.ActionOutput:
			want[k] = append(want[k], ev.Output...)
		case ev.Action == testjson.ActionFail:
			failed[k] = true
		}
	}
	for name, r := range map[string]func() io.Reader{
		"whole": func() io.Reader { return bytes.NewReader(stream.Bytes()) },
		"half":  func() io.Reader { return iotest.HalfReader(bytes.NewReader(stream.Bytes())) },
	} {
		t.Run(name, func(t *testing.T) {
			report, err := Read(r(), "stream", noObserver{}, grouping.Options{Attempt: 1, MaxOutput: 1 << 20})
			if err != nil {
				t.Fatal(err)
			}
			checked := 0
			for _, ph := range report.Packages() {
				for _, h := range ph.Groups {
					for _, tst := range h.Final().Tests {
						k := [2]string{ph.ImportPath, tst.Name}
						if !failed[k] {
							continue
						}
						checked++
						if !bytes.Equal(tst.Output(), want[k]) {
							t.Fatalf("%s %s kept\n%q\nthe stream has\n%q", k[0], k[1], tst.Output(), want[k])
						}
					}
				}
			}
			if checked < 100 {
				t.Fatalf("only %d failed tests checked", checked)
			}
		})
	}
}

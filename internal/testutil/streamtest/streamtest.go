// Package streamtest feeds go test -json streams to a grouping.Tracker for
// the tests of packages that consume results (junitout, render): a recorded
// file under testdata/streams, or literal events.
package streamtest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/testjson"
)

// Source returns the stream: the file testdata/streams/src when src ends
// in .jsonl, otherwise src itself.
func Source(t testing.TB, src string) string {
	t.Helper()
	if !strings.HasSuffix(src, ".jsonl") {
		return src
	}
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "..", "testdata", "streams", src))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Attempt tracks src as attempt n. each, if not nil, sees every event with
// its line and the package's result so far, as an output.Observer would.
func Attempt(t testing.TB, n int, src string, opts grouping.Options, each func(*testjson.Event, []byte, *grouping.Package)) *grouping.Attempt {
	t.Helper()
	opts.Attempt = n
	tr := grouping.NewTracker(opts)
	d := testjson.NewDecoder(strings.NewReader(Source(t, src)))
	for d.Scan() {
		ev := d.Event()
		tr.Add(ev)
		if each != nil {
			each(ev, d.Line(), tr.Package(ev.Package))
		}
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	return tr.Finish()
}

// Report tracks each source as the next attempt.
func Report(t testing.TB, opts grouping.Options, srcs ...string) *grouping.Report {
	t.Helper()
	r := &grouping.Report{}
	for i, src := range srcs {
		r.Add(Attempt(t, i+1, src, opts, nil))
	}
	return r
}

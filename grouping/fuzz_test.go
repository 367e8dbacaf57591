package grouping

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/testjson"
)

// FuzzTracker feeds any bytes through the decoder and the tracker, then
// asks every question the CLI asks: nothing may panic, and a stream can
// never produce a test that passed without a pass event for it or for a
// parent (a parent cannot pass with a failed subtest).
func FuzzTracker(f *testing.F) {
	streams, _ := filepath.Glob(filepath.Join("..", "testdata", "streams", "*.jsonl"))
	for _, s := range streams {
		b, err := os.ReadFile(s)
		if err == nil && len(b) < 16<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tr := NewTracker(Options{Attempt: 1, MaxOutput: 256})
		passes := map[string]bool{}
		d := testjson.NewDecoder(bytes.NewReader(b))
		for d.Scan() {
			ev := d.Event()
			tr.Add(ev)
			if ev.Action == testjson.ActionPass || ev.Action == testjson.ActionBench {
				passes[ev.Package+"\x00"+ev.Test] = true
			}
		}
		r := &Report{}
		r.Add(tr.Finish())
		r.Counts()
		r.Failed()
		r.Failures()
		Plan(r, PlanOptions{MaxReruns: 2, MaxFailures: 10})
		for _, p := range r.Attempts[0].Packages {
			for _, g := range p.Groups {
				for _, tst := range g.Tests {
					if tst.Status == Pass && !passedOrParent(passes, p.ImportPath, tst.Name) && !p.Completed {
						t.Fatalf("%s %s passed without a pass event", p.ImportPath, tst.Name)
					}
					if len(tst.Output()) > 2*256+1024 {
						t.Fatalf("output not capped: %d bytes", len(tst.Output()))
					}
				}
			}
		}
	})
}

func passedOrParent(passes map[string]bool, pkg, name string) bool {
	for {
		if passes[pkg+"\x00"+name] {
			return true
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			return false
		}
		name = name[:i]
	}
}

package grouping

import (
	"io"
	"runtime"
	"testing"

	"github.com/gorerun/gorerun/internal/testutil/streamgen"
	"github.com/gorerun/gorerun/testjson"
)

// TestStressMemoryBounded tracks a 200 MB stream of thousands of
// interleaved packages and checks that the memory kept is a small fraction
// of the stream: results are kept for every test, output only for failures.
func TestStressMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("200 MB stream; skipped with -short")
	}
	const size = 200 << 20
	pr, pw := io.Pipe()
	statsc := make(chan streamgen.Stats, 1)
	go func() {
		st, err := streamgen.Generate(pw, streamgen.Config{Seed: 1, Bytes: size, Packages: 200, FailEvery: 40, BuildFailPm: 5})
		pw.CloseWithError(err)
		statsc <- st
	}()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	tr := NewTracker(Options{Attempt: 1, MaxOutput: 1 << 20})
	d := testjson.NewDecoder(pr)
	var peak uint64
	var ms runtime.MemStats
	for n := 0; d.Scan(); n++ {
		tr.Add(d.Event())
		if n%200000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	a := tr.Finish()
	st := <-statsc
	runtime.GC()
	runtime.ReadMemStats(&ms)
	kept := ms.HeapAlloc - min(ms.HeapAlloc, base.HeapAlloc)
	r := &Report{}
	r.Add(a)
	c := r.Counts()
	t.Logf("stream %d MB, %d events, %d packages, %d tests; kept %d MB after GC, peak heap %d MB",
		st.Bytes>>20, st.Events, st.Packages, st.Tests, kept>>20, peak>>20)
	if c.Tests != st.Tests || c.FailedGroups != st.Failures || c.BuildFailures != st.BuildFailures {
		t.Errorf("counts %+v, generated %+v", c, st)
	}
	if kept > size/4 {
		t.Errorf("kept %d MB for a %d MB stream", kept>>20, size>>20)
	}
	runtime.KeepAlive(a)
}

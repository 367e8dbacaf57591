package session

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/output/terminal"
	"github.com/gorerun/gorerun/internal/testutil/streamgen"
)

// BenchmarkOnePackage reads one package of many top-level tests into a
// JUnit report (target 2 of issue #15): all passing, and half failing
// with a line of output each. It reports the peak heap: memory must
// follow failures, not the stream. GORERUN_BENCH_TESTS sets the size
// (default 20,000; scripts/bench.sh measures 1,000,000 with the binary).
func BenchmarkOnePackage(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("GORERUN_BENCH_TESTS")); err == nil && v > 0 {
		n = v
	}
	for _, tc := range []struct {
		name      string
		failEvery int
	}{{"passing", 0}, {"half-failing", 2}} {
		b.Run(fmt.Sprintf("%s/tests=%d", tc.name, n), func(b *testing.B) {
			dir := b.TempDir()
			stream := filepath.Join(dir, "stream.json")
			f, err := os.Create(stream)
			if err != nil {
				b.Fatal(err)
			}
			if err := streamgen.OnePackage(f, n, tc.failEvery); err != nil {
				b.Fatal(err)
			}
			f.Close()
			st, _ := os.Stat(stream)
			b.SetBytes(st.Size())
			var peak uint64
			for b.Loop() {
				runtime.GC()
				stop := sampleHeap(&peak)
				code, err := Run(context.Background(), Config{Input: stream, JUnitFile: filepath.Join(dir, "r.xml"), NoHistory: true,
					Terminal: terminal.Options{Format: "pkgname"}, Stdout: io.Discard, Stderr: io.Discard})
				stop()
				if err != nil || (code != cli.ExitOK && code != cli.ExitFailed) {
					b.Fatalf("exit %d: %v", code, err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// sampleHeap records the largest heap in use into peak until stopped.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > *peak {
				*peak = m.HeapInuse
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

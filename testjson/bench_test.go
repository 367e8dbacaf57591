package testjson_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"slices"
	"sync"
	"testing"

	gjr "github.com/jstemmer/go-junit-report/v2/parser/gotest"
	gotestsum "gotest.tools/gotestsum/testjson"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/testutil/streamgen"
	"github.com/gorerun/gorerun/testjson"
)

var (
	streamOnce sync.Once
	stream     []byte
	pairsOnce  sync.Once
	pairs      []byte
)

// generated is a 32 MB stream of cfg's shape, made once into *dst.
func generated(once *sync.Once, dst *[]byte, cfg streamgen.Config) []byte {
	once.Do(func() {
		var buf bytes.Buffer
		cfg.Seed, cfg.Bytes = 42, 32<<20
		if _, err := streamgen.Generate(&buf, cfg); err != nil {
			panic(err)
		}
		*dst = buf.Bytes()
	})
	return *dst
}

// benchStream is a 32 MB generated stream: interleaved packages, nested
// and parallel subtests, chunked failure output, build failures.
func benchStream() []byte {
	return generated(&streamOnce, &stream, streamgen.Config{Packages: 16, FailEvery: 40, BuildFailPm: 5})
}

// pairsStream is a 32 MB stream of streamgen's "pairs" shape: packages in
// pairs, subtests two deep, output escaped as encoding/json escapes HTML,
// 1% of tests failing with long output.
func pairsStream() []byte {
	return generated(&pairsOnce, &pairs, streamgen.Config{FailEvery: 100, BuildFailPm: 2, Shape: "pairs"})
}

// scanner reads a whole stream into results, as one peer does.
type scanner struct {
	peer string
	scan func(b *testing.B, in []byte)
}

// scanners are gorerun's decoder and tracker (and its decoder alone),
// gotestsum's testjson.ScanTestOutput, go-junit-report's JSON parser and
// plain encoding/json line decoding.
func scanners() []scanner {
	return []scanner{
		{"gorerun", func(b *testing.B, in []byte) {
			tr := grouping.NewTracker(grouping.Options{Attempt: 1, MaxOutput: 1 << 20})
			d := testjson.NewDecoder(bytes.NewReader(in))
			for d.Scan() {
				tr.Add(d.Event())
				d.Reuse()
			}
			tr.Finish()
		}},
		{"gorerun-decode-only", func(b *testing.B, in []byte) {
			d := testjson.NewDecoder(bytes.NewReader(in))
			for d.Scan() {
				d.Reuse()
			}
		}},
		{"encoding-json", func(b *testing.B, in []byte) {
			s := bufio.NewScanner(bytes.NewReader(in))
			s.Buffer(make([]byte, 64<<10), 1<<30)
			for s.Scan() {
				var ev testjson.Event
				if err := json.Unmarshal(s.Bytes(), &ev); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"gotestsum", func(b *testing.B, in []byte) {
			if _, err := gotestsum.ScanTestOutput(gotestsum.ScanConfig{Stdout: bytes.NewReader(in)}); err != nil {
				b.Fatal(err)
			}
		}},
		{"go-junit-report", func(b *testing.B, in []byte) {
			if _, err := gjr.NewJSONParser().Parse(bytes.NewReader(in)); err != nil {
				b.Fatal(err)
			}
		}},
	}
}

// benchScan runs the named peers' scanners on in, one sub-benchmark each.
func benchScan(b *testing.B, in []byte, peers ...string) {
	for _, sc := range scanners() {
		if !slices.Contains(peers, sc.peer) {
			continue
		}
		b.Run("peer="+sc.peer, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				sc.scan(b, in)
			}
		})
	}
}

// BenchmarkScan compares reading a go test -json stream into results:
// gorerun's decoder and tracker against gotestsum's testjson.ScanTestOutput,
// go-junit-report's JSON parser and plain encoding/json line decoding, all on
// the same input. Compare with benchstat; see scripts/bench.sh.
func BenchmarkScan(b *testing.B) {
	benchScan(b, benchStream(), "gorerun", "gorerun-decode-only", "encoding-json", "gotestsum", "go-junit-report")
}

// BenchmarkScanPairs is BenchmarkScan's gorerun and gotestsum rows on the
// "pairs" shape.
func BenchmarkScanPairs(b *testing.B) {
	benchScan(b, pairsStream(), "gorerun", "gorerun-decode-only", "gotestsum")
}

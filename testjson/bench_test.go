package testjson_test

import (
	"bufio"
	"bytes"
	"encoding/json"
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

// pairsStream is a 32 MB stream of streamgen's "pairs" shape: packages in
// pairs, subtests two deep, output escaped as encoding/json escapes HTML,
// 1% of tests failing with long output.
func pairsStream(b *testing.B) []byte {
	pairsOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := streamgen.Generate(&buf, streamgen.Config{Seed: 42, Bytes: 32 << 20, FailEvery: 100, BuildFailPm: 2, Shape: "pairs"}); err != nil {
			panic(err)
		}
		pairs = buf.Bytes()
	})
	return pairs
}

// BenchmarkScanPairs is BenchmarkScan's gorerun and gotestsum rows on the
// "pairs" shape.
func BenchmarkScanPairs(b *testing.B) {
	in := pairsStream(b)
	b.Run("peer=gorerun", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			tr := grouping.NewTracker(grouping.Options{Attempt: 1, MaxOutput: 1 << 20})
			d := testjson.NewDecoder(bytes.NewReader(in))
			for d.Scan() {
				tr.Add(d.Event())
				d.Reuse()
			}
			tr.Finish()
		}
	})
	b.Run("peer=gorerun-decode-only", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			d := testjson.NewDecoder(bytes.NewReader(in))
			for d.Scan() {
				d.Reuse()
			}
		}
	})
	b.Run("peer=gotestsum", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := gotestsum.ScanTestOutput(gotestsum.ScanConfig{Stdout: bytes.NewReader(in)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchStream is a 32 MB generated stream: interleaved packages, nested
// and parallel subtests, chunked failure output, build failures.
func benchStream(b *testing.B) []byte {
	streamOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := streamgen.Generate(&buf, streamgen.Config{Seed: 42, Bytes: 32 << 20, Packages: 16, FailEvery: 40, BuildFailPm: 5}); err != nil {
			panic(err)
		}
		stream = buf.Bytes()
	})
	return stream
}

// BenchmarkScan compares reading a go test -json stream into results:
// gorerun's decoder and tracker against gotestsum's testjson.ScanTestOutput,
// go-junit-report's JSON parser and plain encoding/json line decoding, all on
// the same input. Compare with benchstat; see scripts/bench.sh.
func BenchmarkScan(b *testing.B) {
	in := benchStream(b)
	b.Run("peer=gorerun", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			tr := grouping.NewTracker(grouping.Options{Attempt: 1, MaxOutput: 1 << 20})
			d := testjson.NewDecoder(bytes.NewReader(in))
			for d.Scan() {
				tr.Add(d.Event())
				d.Reuse()
			}
			tr.Finish()
		}
	})
	b.Run("peer=gorerun-decode-only", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			d := testjson.NewDecoder(bytes.NewReader(in))
			for d.Scan() {
				d.Reuse()
			}
		}
	})
	b.Run("peer=encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			s := bufio.NewScanner(bytes.NewReader(in))
			s.Buffer(make([]byte, 64<<10), 1<<30)
			for s.Scan() {
				var ev testjson.Event
				if err := json.Unmarshal(s.Bytes(), &ev); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("peer=gotestsum", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := gotestsum.ScanTestOutput(gotestsum.ScanConfig{Stdout: bytes.NewReader(in)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("peer=go-junit-report", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := gjr.NewJSONParser().Parse(bytes.NewReader(in)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

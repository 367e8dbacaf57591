package runner

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/testjson"
)

// BenchmarkRerunRoundStart measures how long after its delay ends a rerun
// round's go test process starts (the fake go command stamps the time it
// starts). Issue target: under 50 ms.
func BenchmarkRerunRoundStart(b *testing.B) {
	dir := b.TempDir()
	stamp := filepath.Join(dir, "started")
	first := filepath.Join(dir, "first.jsonl")
	rerun := filepath.Join(dir, "rerun.jsonl")
	write(b, first, `{"Action":"run","Package":"m/a","Test":"TestA"}
{"Action":"fail","Package":"m/a","Test":"TestA"}
{"Action":"output","Package":"m/a","Output":"FAIL\n"}
{"Action":"fail","Package":"m/a"}
`, 0o644)
	write(b, rerun, `{"Action":"run","Package":"m/a","Test":"TestA"}
{"Action":"pass","Package":"m/a","Test":"TestA"}
{"Action":"output","Package":"m/a","Output":"PASS\n"}
{"Action":"pass","Package":"m/a"}
`, 0o644)
	goCmd := filepath.Join(dir, "go")
	write(b, goCmd, `#!/bin/sh
case " $* " in
*" -run "*) date +%s%N >'`+stamp+`'; cat '`+rerun+`' ;;
*) cat '`+first+`' ;;
esac
`, 0o755)
	var total time.Duration
	for range b.N {
		var delayEnd time.Time
		cfg := Config{Go: goCmd, Dir: dir, Packages: []string{"m/a"}, Observer: &nopObserver{},
			Plan: grouping.PlanOptions{MaxReruns: 1, MaxFailures: 10},
			Sleep: func(ctx context.Context, d time.Duration) error {
				delayEnd = time.Now()
				return nil
			}}
		if _, err := Run(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
		raw, err := os.ReadFile(stamp)
		if err != nil {
			b.Fatal(err)
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(string(raw)), 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		total += time.Unix(0, ns).Sub(delayEnd)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/round-start")
}

func write(b *testing.B, path, content string, mode os.FileMode) {
	b.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		b.Fatal(err)
	}
}

// firstEventOf records when the first event of an attempt arrived.
type firstEventOf struct {
	nopObserver
	attempt int
	at      time.Time
}

func (o *firstEventOf) Event(attempt int, _ *testjson.Event, _ []byte, _ *grouping.Package) {
	if attempt == o.attempt && o.at.IsZero() {
		o.at = time.Now()
	}
}

// BenchmarkRerunRoundStartKept measures, with the real go command on a
// package whose test links heavy standard packages
// (testdata/modules/heavy/flaky), how long after its delay ends a rerun
// round's first event arrives: the rerun runs the binary the first round
// kept, instead of relinking. Issue #28 target: under 50 ms.
func BenchmarkRerunRoundStartKept(b *testing.B) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "modules", "heavy"))
	if err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	for range b.N {
		var delayEnd time.Time
		obs := &firstEventOf{attempt: 2}
		cfg := Config{Dir: dir, Packages: []string{"./flaky"}, Flags: []string{"-count=1"}, Observer: obs,
			Env:  append(os.Environ(), "HEAVY_FLAKY=1"),
			Plan: grouping.PlanOptions{MaxReruns: 1, MaxFailures: 10},
			Sleep: func(ctx context.Context, d time.Duration) error {
				delayEnd = time.Now()
				return nil
			}}
		if _, err := Run(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
		if obs.at.IsZero() {
			b.Fatal("no rerun event")
		}
		total += obs.at.Sub(delayEnd)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/round-start")
}

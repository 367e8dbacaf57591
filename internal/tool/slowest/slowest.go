// Package slowest finds the slowest tests of a go test -json stream, as
// gotestsum's "tool slowest" does, and can add a skip statement to them so
// that a quick run (go test -short) leaves them out.
package slowest

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/gorerun/gorerun/testjson"
)

// Test is one test (or subtest) and how long it took: the median over
// every time it ran in the stream.
type Test struct {
	Package string
	Name    string
	Elapsed time.Duration
}

// Read collects the elapsed time of every test result (pass, fail, skip)
// in a go test -json stream (or gorerun's --jsonfile), per test.
func Read(r io.Reader) (map[[2]string][]time.Duration, error) {
	times := map[[2]string][]time.Duration{}
	d := testjson.NewDecoder(r)
	for d.Scan() {
		ev := d.Event()
		if ev.Test == "" || ev.NotJSON {
			continue
		}
		switch ev.Action {
		case testjson.ActionPass, testjson.ActionFail, testjson.ActionSkip:
			key := [2]string{ev.Package, ev.Test}
			times[key] = append(times[key], time.Duration(ev.Elapsed*1000)*time.Millisecond)
		}
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return times, nil
}

// Slowest returns the tests at least threshold slow (or, with num above
// 0, the num slowest), slowest first; each test counts with the median of
// its times. With neither a threshold nor num it returns nothing.
func Slowest(times map[[2]string][]time.Duration, threshold time.Duration, num int) []Test {
	if threshold == 0 && num == 0 {
		return nil
	}
	tests := make([]Test, 0, len(times))
	for key, ts := range times {
		tests = append(tests, Test{Package: key[0], Name: key[1], Elapsed: median(ts)})
	}
	sort.Slice(tests, func(i, j int) bool {
		if tests[i].Elapsed != tests[j].Elapsed {
			return tests[i].Elapsed > tests[j].Elapsed
		}
		if tests[i].Package != tests[j].Package {
			return tests[i].Package < tests[j].Package
		}
		return tests[i].Name < tests[j].Name
	})
	if num > 0 {
		return tests[:min(num, len(tests))]
	}
	end := sort.Search(len(tests), func(i int) bool { return tests[i].Elapsed < threshold })
	return tests[:end]
}

func median(times []time.Duration) time.Duration {
	sorted := append([]time.Duration(nil), times...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	return sorted[len(sorted)/2]
}

// Print writes one line per test, as gotestsum: "pkg TestName 1.2s".
func Print(w io.Writer, tests []Test) error {
	for _, t := range tests {
		if _, err := fmt.Fprintf(w, "%s %s %v\n", t.Package, t.Name, t.Elapsed); err != nil {
			return err
		}
	}
	return nil
}

package junitout

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// bigReport is a report of one testsuite with n testcases, every tenth
// failing, as CI systems accumulate them.
func bigReport(n int) []byte { return bigReportBody(n, 0) }

// bigReportBody is bigReport with failures of about body more bytes of
// output each.
func bigReportBody(n, body int) []byte {
	line := "    big_test.go:40: got a response that differs from the golden file in line 12\n"
	extra := strings.Repeat(line, body/len(line))
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"0\" failures=\"0\" errors=\"0\" time=\"0\">\n")
	b.WriteString("\t<testsuite name=\"example.com/big\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"1.000\">\n")
	for i := range n {
		fmt.Fprintf(&b, "\t\t<testcase name=\"TestCase%06d/sub\" classname=\"example.com/big\" time=\"0.001\">", i)
		if i%10 == 0 {
			fmt.Fprintf(&b, "<failure message=\"broken %d\" type=\"failure\"><![CDATA[%s    big_test.go:12: broken %d\n]]></failure>", i, extra, i)
		}
		b.WriteString("</testcase>\n")
	}
	b.WriteString("\t</testsuite>\n</testsuites>\n")
	return []byte(b.String())
}

// freshRun reruns the failed testcases of bigReport(n), now passing.
func freshRun(n int) *Testsuites {
	s := Testsuite{Name: "example.com/big"}
	for i := 0; i < n; i += 10 {
		s.AddTestcase(Testcase{Name: fmt.Sprintf("TestCase%06d/sub", i), Classname: "example.com/big", Time: "0.002"})
	}
	ts := &Testsuites{}
	ts.AddSuite(s)
	return ts
}

// benchSizes are the testcase counts of the report benchmarks:
// GORERUN_BENCH_SIZES (comma-separated; scripts/bench.sh runs the large
// ones), or 10k and 40k.
func benchSizes(b *testing.B) []int {
	v := os.Getenv("GORERUN_BENCH_SIZES")
	if v == "" {
		return []int{10000, 40000}
	}
	var sizes []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			b.Fatalf("GORERUN_BENCH_SIZES: %v", err)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// BenchmarkUpdate grows linearly with the testcases of one testsuite.
func BenchmarkUpdate(b *testing.B) {
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprintf("testcases=%d", n), func(b *testing.B) {
			old, run := bigReport(n), freshRun(n)
			b.SetBytes(int64(len(old)))
			b.ResetTimer()
			for range b.N {
				if _, _, err := Update(old, run, UpdateOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpdateLarge updates a report of GORERUN_BENCH_REPORT_MB
// megabytes (default 20): 520 testcases a megabyte, every tenth failing
// with about 20 KB of output, all of those passing now. scripts/bench.sh
// runs it at 500 MB.
func BenchmarkUpdateLarge(b *testing.B) {
	mb := 20
	if v := os.Getenv("GORERUN_BENCH_REPORT_MB"); v != "" {
		var err error
		if mb, err = strconv.Atoi(v); err != nil {
			b.Fatalf("GORERUN_BENCH_REPORT_MB: %v", err)
		}
	}
	n := mb * 520
	old, run := bigReportBody(n, 19500), freshRun(n)
	b.Run(fmt.Sprintf("MB=%d", len(old)>>20), func(b *testing.B) {
		b.SetBytes(int64(len(old)))
		for range b.N {
			if _, _, err := Update(old, run, UpdateOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMerge is merge's side of the same.
func BenchmarkMerge(b *testing.B) {
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprintf("testcases=%d", n), func(b *testing.B) {
			old := bigReport(n)
			b.SetBytes(int64(len(old)))
			for range b.N {
				if _, _, err := Merge([][]byte{old}, []string{"big.xml"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestUpdateOfABigReport(t *testing.T) {
	out, totals, err := Update(bigReport(2000), freshRun(2000), UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if totals.Tests != 2000 || totals.Failures != 0 || strings.Count(string(out), "<flakyFailure") != 200 {
		t.Errorf("totals %+v, %d flakyFailures", totals, strings.Count(string(out), "<flakyFailure"))
	}
}

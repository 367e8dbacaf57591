// Command genreport writes a large JUnit report of one testsuite, as CI
// systems accumulate them, and the go test -json stream of a rerun of its
// failed testcases, now passing: the input of scripts/bench.sh's report
// update row (gorerun --input rerun.json --update-xml report.xml).
//
// Every tenth testcase failed, with about 20 KB of output; a megabyte of
// report holds about 520 testcases.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	size := flag.Int("mb", 500, "about how many megabytes of report to write")
	report := flag.String("o", "report.xml", "the report to write")
	rerun := flag.String("rerun", "rerun.json", "the stream of the rerun to write")
	flag.Parse()
	if err := write(*size, *report, *rerun); err != nil {
		fmt.Fprintln(os.Stderr, "genreport:", err)
		os.Exit(1)
	}
}

const pkg = "example.com/big"

func write(mb int, report, rerun string) error {
	n := mb * 520
	line := "    big_test.go:40: got a response that differs from the golden file in line 12\n"
	body := strings.Repeat(line, 19500/len(line))
	rf, err := os.Create(report)
	if err != nil {
		return err
	}
	defer rf.Close()
	w := bufio.NewWriterSize(rf, 1<<20)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"%d\" failures=\"%d\" errors=\"0\" time=\"1.000\">\n", n, (n+9)/10)
	fmt.Fprintf(w, "\t<testsuite name=%q tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"0\" time=\"1.000\">\n", pkg, n, (n+9)/10)
	for i := range n {
		fmt.Fprintf(w, "\t\t<testcase name=\"TestCase%07d\" classname=%q time=\"0.001\">", i, pkg)
		if i%10 == 0 {
			fmt.Fprintf(w, "<failure message=\"broken %d\" type=\"failure\"><![CDATA[%s    big_test.go:12: broken %d\n]]></failure>", i, body, i)
		}
		w.WriteString("</testcase>\n")
	}
	w.WriteString("\t</testsuite>\n</testsuites>\n")
	if err := w.Flush(); err != nil {
		return err
	}
	sf, err := os.Create(rerun)
	if err != nil {
		return err
	}
	defer sf.Close()
	s := bufio.NewWriter(sf)
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	fmt.Fprintf(s, "{\"Time\":%q,\"Action\":\"start\",\"Package\":%q}\n", at, pkg)
	for i := 0; i < n; i += 10 {
		name := fmt.Sprintf("TestCase%07d", i)
		fmt.Fprintf(s, "{\"Time\":%q,\"Action\":\"run\",\"Package\":%q,\"Test\":%q}\n", at, pkg, name)
		fmt.Fprintf(s, "{\"Time\":%q,\"Action\":\"output\",\"Package\":%q,\"Test\":%q,\"Output\":\"--- PASS: %s (0.00s)\\n\"}\n", at, pkg, name, name)
		fmt.Fprintf(s, "{\"Time\":%q,\"Action\":\"pass\",\"Package\":%q,\"Test\":%q,\"Elapsed\":0.002}\n", at, pkg, name)
	}
	fmt.Fprintf(s, "{\"Time\":%q,\"Action\":\"output\",\"Package\":%q,\"Output\":\"ok  \\t%s\\t1.000s\\n\"}\n", at, pkg, pkg)
	fmt.Fprintf(s, "{\"Time\":%q,\"Action\":\"pass\",\"Package\":%q,\"Elapsed\":1}\n", at, pkg)
	return s.Flush()
}

package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/file/atomicfile"
	"github.com/gorerun/gorerun/internal/file/inputfile"
	"github.com/gorerun/gorerun/internal/file/reportfile"
	"github.com/gorerun/gorerun/internal/output/htmlreport"
)

// runHTML is `gorerun html -o FILE REPORTS...`: the HTML report of JUnit
// reports (gorerun's, gotestsum's, go-junit-report's, merged shards) or
// --jsonfile streams.
func runHTML(args []string, stdout, stderr io.Writer) (int, error) {
	fs := pflag.NewFlagSet("gorerun html", pflag.ContinueOnError)
	out := fs.StringP("output", "o", "", "write the HTML report to `FILE`")
	title := fs.String("title", "", "the report's `title`")
	if err := parseFilesCommand(fs, "html", "report.xml|events.jsonl...", args, out, stdout, stderr); err != nil {
		return cli.ExitUsage, err
	}
	byAttempt := map[int][]*grouping.Attempt{}
	for _, name := range fs.Args() {
		b, err := inputfile.Read(name, inputfile.MaxSize)
		if err != nil {
			return cli.ExitUsage, cli.Usage(fmt.Errorf("html: %w", err))
		}
		report, err := reportfile.Read(name, b)
		if err != nil {
			return cli.ExitUsage, cli.Usage(fmt.Errorf("html: %w", err))
		}
		for _, a := range report.Attempts {
			byAttempt[a.Number] = append(byAttempt[a.Number], a)
		}
	}
	joined := &grouping.Report{}
	for n := 1; len(byAttempt[n]) > 0; n++ {
		joined.Add(grouping.JoinAttempts(nil, byAttempt[n]...))
	}
	var page bytes.Buffer
	dir, _ := filepath.Abs(filepath.Dir(*out)) // artifacts are linked relative to the page
	meta := htmlreport.Meta{Title: *title, Command: "gorerun html " + strings.Join(args, " "), Dir: dir}
	if err := htmlreport.Write(&page, joined, meta); err != nil {
		return cli.ExitFailed, fmt.Errorf("html: %w", err)
	}
	if err := atomicfile.WriteFile(*out, page.Bytes()); err != nil {
		return cli.ExitFailed, fmt.Errorf("html: %w", err)
	}
	c := joined.Counts()
	fmt.Fprintf(stdout, "gorerun: wrote %s: %d tests in %d groups, %d flaky, %d failed\n", *out, c.Tests, c.Groups, c.FlakyGroups, c.FailedGroups)
	return cli.ExitOK, nil
}

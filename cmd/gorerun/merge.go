package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/file/outpath"
	"github.com/gorerun/gorerun/junitout"
)

// runMerge is `gorerun merge -o FILE report.xml...`.
func runMerge(args []string, stdout, stderr io.Writer, hold func(int64)) (int, error) {
	fs := pflag.NewFlagSet("gorerun merge", pflag.ContinueOnError)
	out := fs.StringP("output", "o", "", "write the merged report to `FILE`")
	if err := parseFilesCommand(fs, "merge", "report.xml...", args, out, stdout, stderr); err != nil {
		return cli.ExitUsage, err
	}
	var size int64
	for _, name := range fs.Args() {
		if st, err := os.Stat(name); err == nil {
			size += st.Size()
		}
	}
	hold(size) // the merged report is held whole before it is written
	merged, dups, err := junitout.MergeFiles(fs.Args())
	if err != nil {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("merge: %w", err))
	}
	for _, d := range dups {
		fmt.Fprintf(stderr, "gorerun: merge: duplicate testcase %s %s in %s (kept every copy)\n", d.Classname, d.Name, strings.Join(d.Files, ", "))
	}
	if err := junitout.WriteFile(*out, merged); err != nil {
		return cli.ExitFailed, fmt.Errorf("merge: %w", err)
	}
	fmt.Fprintf(stdout, "gorerun: merged %d reports into %s: %d tests, %d failures, %d errors\n", fs.NArg(), *out, merged.Tests, merged.Failures, merged.Errors)
	return cli.ExitOK, nil
}

// parseFilesCommand parses a subcommand that reads files and writes -o
// (merge, html): -o and at least one input are required, the output may
// not be one of the inputs, and stale temporary files beside it go.
// --help returns cli.ErrHelpShown.
func parseFilesCommand(fs *pflag.FlagSet, name, inputsUsage string, args []string, out *string, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprintf(stdout, "Usage: gorerun %s -o FILE %s\n", name, inputsUsage)
		fmt.Fprint(stdout, fs.FlagUsages())
	}
	if err := cli.ParseFlags(fs, args, usage); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 {
		return cli.Usage(fmt.Errorf("%s: give -o FILE and at least one of %s", name, inputsUsage))
	}
	var inputs []outpath.Named
	for _, in := range fs.Args() {
		inputs = append(inputs, outpath.Named{Flag: name + " input", Path: in})
	}
	if err := outpath.Check(inputs, []outpath.Named{{Flag: name + " -o", Path: *out}}, ""); err != nil {
		return cli.Usage(err)
	}
	outpath.RemoveStale(*out, stderr)
	return nil
}

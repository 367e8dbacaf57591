package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/gorerun/gorerun/internal/outpath"
	"github.com/gorerun/gorerun/junitout"
)

// runMerge is `gorerun merge -o FILE report.xml...`.
func runMerge(args []string, stdout, stderr io.Writer) (int, error) {
	fs := pflag.NewFlagSet("gorerun merge", pflag.ContinueOnError)
	out := fs.StringP("output", "o", "", "write the merged report to `FILE`")
	usage := func() {
		fmt.Fprintln(stdout, "Usage: gorerun merge -o FILE report.xml...")
		fmt.Fprint(stdout, fs.FlagUsages())
	}
	if err := parseFlags(fs, args, usage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK, nil
		}
		return exitUsage, usageError(err)
	}
	if *out == "" || fs.NArg() == 0 {
		return exitUsage, usageError(errors.New("merge: give -o FILE and at least one report"))
	}
	var inputs []outpath.Named
	for _, name := range fs.Args() {
		inputs = append(inputs, outpath.Named{Flag: "merge input", Path: name})
	}
	if err := outpath.Check(inputs, []outpath.Named{{Flag: "merge -o", Path: *out}}, ""); err != nil {
		return exitUsage, usageError(err)
	}
	outpath.RemoveStale(*out, stderr)
	merged, dups, err := junitout.MergeFiles(fs.Args())
	if err != nil {
		return exitUsage, usageError(fmt.Errorf("merge: %w", err))
	}
	for _, d := range dups {
		fmt.Fprintf(stderr, "gorerun: merge: duplicate testcase %s %s in %s (kept every copy)\n", d.Classname, d.Name, strings.Join(d.Files, ", "))
	}
	if err := junitout.WriteFile(*out, merged); err != nil {
		return exitFailed, fmt.Errorf("merge: %w", err)
	}
	fmt.Fprintf(stdout, "gorerun: merged %d reports into %s: %d tests, %d failures, %d errors\n", fs.NArg(), *out, merged.Tests, merged.Failures, merged.Errors)
	return exitOK, nil
}

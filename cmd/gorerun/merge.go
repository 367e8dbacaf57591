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
	if code, err := parseFilesCommand(fs, "merge", "report.xml...", args, out, stdout, stderr); code != exitOK || err != nil {
		return code, err
	}
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

// parseFilesCommand parses a subcommand that reads files and writes -o
// (merge, html): -o and at least one input are required, the output may
// not be one of the inputs, and stale temporary files beside it go. A
// code of exitOK with a nil error means: go on (--help returns exitOK and
// errHelpShown).
func parseFilesCommand(fs *pflag.FlagSet, name, inputsUsage string, args []string, out *string, stdout, stderr io.Writer) (int, error) {
	usage := func() {
		fmt.Fprintf(stdout, "Usage: gorerun %s -o FILE %s\n", name, inputsUsage)
		fmt.Fprint(stdout, fs.FlagUsages())
	}
	if err := parseFlags(fs, args, usage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK, errHelpShown
		}
		return exitUsage, usageError(err)
	}
	if *out == "" || fs.NArg() == 0 {
		return exitUsage, usageError(fmt.Errorf("%s: give -o FILE and at least one of %s", name, inputsUsage))
	}
	var inputs []outpath.Named
	for _, in := range fs.Args() {
		inputs = append(inputs, outpath.Named{Flag: name + " input", Path: in})
	}
	if err := outpath.Check(inputs, []outpath.Named{{Flag: name + " -o", Path: *out}}, ""); err != nil {
		return exitUsage, usageError(err)
	}
	outpath.RemoveStale(*out, stderr)
	return exitOK, nil
}

// errHelpShown ends a subcommand whose usage was printed: exit 0.
var errHelpShown = errors.New("help shown")

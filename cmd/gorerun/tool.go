package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/gorerun/gorerun/internal/env/gomod"
	"github.com/gorerun/gorerun/internal/file/inputfile"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/gorerun/gorerun/internal/tool/cimatrix"
	"github.com/gorerun/gorerun/internal/tool/slowest"
)

// runTool is `gorerun tool slowest|ci-matrix`, as gotestsum's tools.
func runTool(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (int, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, "Usage: gorerun tool slowest [--jsonfile FILE] [--threshold D] [--num N] [--skip-stmt STMT]\n       gorerun tool ci-matrix --partitions N --timing-files GLOB < packages")
		if len(args) == 0 {
			return exitUsage, usageError(errors.New("tool: name a tool: slowest or ci-matrix"))
		}
		return exitOK, nil
	}
	switch args[0] {
	case "slowest":
		return runSlowest(ctx, args[1:], stdin, stdout, getenv)
	case "ci-matrix":
		return runCIMatrix(args[1:], stdin, stdout)
	}
	return exitUsage, usageError(fmt.Errorf("tool %q: the tools are slowest and ci-matrix", args[0]))
}

func runSlowest(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, getenv func(string) string) (int, error) {
	fs := pflag.NewFlagSet("gorerun tool slowest", pflag.ContinueOnError)
	jsonFile := fs.String("jsonfile", getenv("GOTESTSUM_JSONFILE"), "read the go test -json stream from `FILE` (default: stdin)")
	threshold := fs.Duration("threshold", 100*time.Millisecond, "tests slower than this are slow")
	num := fs.Int("num", 0, "print at most `N` slowest tests, instead of all above the threshold")
	skipStmt := fs.String("skip-stmt", "", "add this Go `statement` to slow tests instead of printing them (testing.Short: skip with -short)")
	fs.Bool("debug", false, "accepted for gotestsum")
	usage := func() {
		fmt.Fprintln(stdout, "Usage: gorerun tool slowest [flags]\n\nPrints the tests slower than --threshold in a go test -json stream (median of their runs), slowest first.")
		fmt.Fprint(stdout, fs.FlagUsages())
	}
	if err := parseFlags(fs, args, usage); err != nil {
		return exitUsage, err
	}
	var in io.Reader = stdin
	if *jsonFile != "" && *jsonFile != "-" {
		f, err := inputfile.Open(*jsonFile, inputfile.MaxSize)
		if err != nil {
			return exitUsage, usageError(fmt.Errorf("tool slowest: --jsonfile: %w", err))
		}
		defer f.Close()
		in = f
	}
	var stmt ast.Stmt
	if *skipStmt != "" {
		s, err := slowest.ParseSkipStatement(*skipStmt)
		if err != nil {
			return exitUsage, usageError(fmt.Errorf("tool slowest: --skip-stmt: %w", err))
		}
		stmt = s
	}
	times, err := slowest.Read(in)
	if err != nil {
		return exitUsage, usageError(fmt.Errorf("tool slowest: %w", err))
	}
	tests := slowest.Slowest(times, *threshold, *num)
	if stmt == nil {
		return exitOK, slowest.Print(stdout, tests)
	}
	dirs := func(pkg string) (string, []string, error) { return runner.TestFiles(ctx, runner.Config{}, pkg) }
	if err := slowest.AddSkip(tests, stmt, dirs); err != nil {
		return exitFailed, fmt.Errorf("tool slowest: %w", err)
	}
	return exitOK, nil
}

func runCIMatrix(args []string, stdin io.Reader, stdout io.Writer) (int, error) {
	fs := pflag.NewFlagSet("gorerun tool ci-matrix", pflag.ContinueOnError)
	partitions := fs.Int("partitions", 0, "number of parallel `jobs` in the matrix (2 or more)")
	pattern := fs.String("timing-files", "", "`glob` of go test -json files with earlier run times, e.g. ./logs/*.log")
	fs.Bool("debug", false, "accepted for gotestsum")
	usage := func() {
		fmt.Fprintln(stdout, "Usage: go list ./... | gorerun tool ci-matrix --partitions N --timing-files GLOB\n\nPrints a GitHub Actions matrix that splits the packages by earlier run times (gotestsum's format).")
		fmt.Fprint(stdout, fs.FlagUsages())
	}
	if err := parseFlags(fs, args, usage); err != nil {
		return exitUsage, err
	}
	if *partitions < 2 {
		return exitUsage, usageError(errors.New("tool ci-matrix: --partitions must be 2 or more"))
	}
	if *pattern == "" {
		return exitUsage, usageError(errors.New("tool ci-matrix: --timing-files is required"))
	}
	names, err := filepath.Glob(*pattern)
	if err != nil {
		return exitUsage, usageError(fmt.Errorf("tool ci-matrix: --timing-files: %w", err))
	}
	var streams []io.Reader
	for _, name := range names {
		b, err := inputfile.Read(name, inputfile.MaxSize)
		if err != nil {
			return exitUsage, usageError(fmt.Errorf("tool ci-matrix: %w", err))
		}
		streams = append(streams, bytes.NewReader(b))
	}
	var pkgs []string
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			pkgs = append(pkgs, line)
		}
	}
	if err := sc.Err(); err != nil {
		return exitUsage, usageError(fmt.Errorf("tool ci-matrix: reading packages from stdin: %w", err))
	}
	timing, err := cimatrix.Timings(streams)
	if err != nil {
		return exitUsage, usageError(fmt.Errorf("tool ci-matrix: %w", err))
	}
	mod := gomod.ModulePath(".")
	rel := func(p string) string { return gomod.Relative(mod, p) }
	return exitOK, cimatrix.Write(stdout, cimatrix.Split(cimatrix.Percentile85(timing), pkgs, *partitions), rel)
}

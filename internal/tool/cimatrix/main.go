package cimatrix

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/env/gomod"
	"github.com/gorerun/gorerun/internal/file/inputfile"
	"github.com/spf13/pflag"
)

// Main is `gorerun tool ci-matrix`, gotestsum's tool of the same name:
// a GitHub Actions matrix that splits packages by earlier run times.
func Main(args []string, stdin io.Reader, stdout io.Writer) (int, error) {
	fs := pflag.NewFlagSet("gorerun tool ci-matrix", pflag.ContinueOnError)
	partitions := fs.Int("partitions", 0, "number of parallel `jobs` in the matrix (2 or more)")
	pattern := fs.String("timing-files", "", "`glob` of go test -json files with earlier run times, e.g. ./logs/*.log")
	fs.Bool("debug", false, "accepted for gotestsum")
	usage := func() {
		fmt.Fprintln(stdout, "Usage: go list ./... | gorerun tool ci-matrix --partitions N --timing-files GLOB\n\nPrints a GitHub Actions matrix that splits the packages by earlier run times (gotestsum's format).")
		fmt.Fprint(stdout, fs.FlagUsages())
	}
	if err := cli.ParseFlags(fs, args, usage); err != nil {
		return cli.ExitUsage, err
	}
	if *partitions < 2 {
		return cli.ExitUsage, cli.Usage(errors.New("tool ci-matrix: --partitions must be 2 or more"))
	}
	if *pattern == "" {
		return cli.ExitUsage, cli.Usage(errors.New("tool ci-matrix: --timing-files is required"))
	}
	names, err := filepath.Glob(*pattern)
	if err != nil {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("tool ci-matrix: --timing-files: %w", err))
	}
	var streams []io.Reader
	for _, name := range names {
		b, err := inputfile.Read(name, inputfile.MaxSize)
		if err != nil {
			return cli.ExitUsage, cli.Usage(fmt.Errorf("tool ci-matrix: %w", err))
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
		return cli.ExitUsage, cli.Usage(fmt.Errorf("tool ci-matrix: reading packages from stdin: %w", err))
	}
	timing, err := Timings(streams)
	if err != nil {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("tool ci-matrix: %w", err))
	}
	mod := gomod.ModulePath(".")
	rel := func(p string) string { return gomod.Relative(mod, p) }
	return cli.ExitOK, Write(stdout, Split(Percentile85(timing), pkgs, *partitions), rel)
}

package slowest

import (
	"context"
	"fmt"
	"go/ast"
	"io"
	"time"

	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/file/inputfile"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/spf13/pflag"
)

// Main is `gorerun tool slowest`, gotestsum's tool of the same name:
// the tests slower than --threshold, or a skip statement added to them.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, getenv func(string) string) (int, error) {
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
	if err := cli.ParseFlags(fs, args, usage); err != nil {
		return cli.ExitUsage, err
	}
	var in io.Reader = stdin
	if *jsonFile != "" && *jsonFile != "-" {
		f, err := inputfile.Open(*jsonFile, inputfile.MaxSize)
		if err != nil {
			return cli.ExitUsage, cli.Usage(fmt.Errorf("tool slowest: --jsonfile: %w", err))
		}
		defer f.Close()
		in = f
	}
	var stmt ast.Stmt
	if *skipStmt != "" {
		s, err := ParseSkipStatement(*skipStmt)
		if err != nil {
			return cli.ExitUsage, cli.Usage(fmt.Errorf("tool slowest: --skip-stmt: %w", err))
		}
		stmt = s
	}
	times, err := Read(in)
	if err != nil {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("tool slowest: %w", err))
	}
	tests := Slowest(times, *threshold, *num)
	if stmt == nil {
		return cli.ExitOK, Print(stdout, tests)
	}
	dirs := func(pkg string) (string, []string, error) { return runner.TestFiles(ctx, runner.Config{}, pkg) }
	if err := AddSkip(tests, stmt, dirs); err != nil {
		return cli.ExitFailed, fmt.Errorf("tool slowest: %w", err)
	}
	return cli.ExitOK, nil
}

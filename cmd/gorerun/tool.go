package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/tool/cimatrix"
	"github.com/gorerun/gorerun/internal/tool/slowest"
)

// runTool is `gorerun tool slowest|ci-matrix`, as gotestsum's tools.
func runTool(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (int, error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, "Usage: gorerun tool slowest [--jsonfile FILE] [--threshold D] [--num N] [--skip-stmt STMT]\n       gorerun tool ci-matrix --partitions N --timing-files GLOB < packages")
		if len(args) == 0 {
			return cli.ExitUsage, cli.Usage(errors.New("tool: name a tool: slowest or ci-matrix"))
		}
		return cli.ExitOK, nil
	}
	switch args[0] {
	case "slowest":
		return slowest.Main(ctx, args[1:], stdin, stdout, getenv)
	case "ci-matrix":
		return cimatrix.Main(args[1:], stdin, stdout)
	}
	return cli.ExitUsage, cli.Usage(fmt.Errorf("tool %q: the tools are slowest and ci-matrix", args[0]))
}

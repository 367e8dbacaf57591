package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/cli/options"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/gorerun/gorerun/internal/session"
	"github.com/gorerun/gorerun/internal/tool/hunt"
)

// runHunt is --hunt N: every selected group N times, in fresh processes.
func runHunt(ctx context.Context, o *options.Options, cfg session.Config) (int, error) {
	results, err := hunt.Run(ctx, hunt.Config{
		Runner:  cfg.Runner(),
		Times:   o.Hunt,
		Changed: o.HuntChanged,
		Out:     cfg.Stdout,
	})
	switch {
	case ctx.Err() != nil || errors.Is(err, runner.ErrInterrupted):
		done := 0
		for _, r := range results {
			done = max(done, r.Runs)
		}
		hunt.Print(cfg.Stdout, results, done)
		fmt.Fprintf(cfg.Stderr, "gorerun: hunt interrupted after %d of %d runs: the results above are partial\n", done, o.Hunt)
		return cli.ExitInterrupted, nil
	case err != nil:
		var goErr *runner.GoTestError
		if errors.As(err, &goErr) {
			return cli.ExitUsage, cli.Usage(err)
		}
		return cli.ExitFailed, err
	}
	if hunt.Print(cfg.Stdout, results, o.Hunt) {
		return cli.ExitFailed, nil
	}
	return cli.ExitOK, nil
}

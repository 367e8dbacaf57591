package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/cli/options"
	"github.com/gorerun/gorerun/internal/session"
	"github.com/gorerun/gorerun/internal/watch"
)

// runWatch is --watch: each change runs the changed package's tests as
// one gorerun run of base, with its reruns, formats and reports.
func runWatch(ctx context.Context, o *options.Options, base session.Config, stdin io.Reader) (int, error) {
	var keys io.Reader = stdin
	if f, ok := stdin.(*os.File); ok {
		defer watch.KeysMode(int(f.Fd()))()
	}
	err := watch.Run(ctx, watch.Config{
		Root: cmp.Or(o.Dir, "."), All: o.Packages, Clear: o.WatchClear, Chdir: o.WatchChdir,
		Keys: keys, Out: base.Stdout,
		Run: func(ctx context.Context, r watch.Request) int {
			cfg := base
			cfg.Dir, cfg.Packages, cfg.LastFailed = r.Dir, r.Packages, r.LastFailed
			code, err := session.Run(ctx, cfg)
			if err != nil {
				fmt.Fprintf(base.Stderr, "gorerun: %v\n", err)
			}
			return code
		},
	})
	switch {
	case errors.Is(err, watch.ErrQuit):
		return cli.ExitOK, nil
	case ctx.Err() != nil:
		return cli.ExitInterrupted, nil
	}
	return cli.ExitFailed, err
}

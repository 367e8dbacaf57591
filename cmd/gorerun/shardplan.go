package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/gorerun/gorerun/internal/cli/flagvalue"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/gorerun/gorerun/internal/tool/shard"
)

// runShardPlan is `gorerun shard-plan`: it prints how packages split.
func runShardPlan(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) (int, error) {
	fs := pflag.NewFlagSet("gorerun shard-plan", pflag.ContinueOnError)
	n := fs.Int("shards", 0, "split into `N` shards")
	asJSON := fs.Bool("json", false, "print a JSON list for a CI matrix")
	var timings flagvalue.List
	fs.Var(&timings, "shard-timings", "balance by durations in `FILE` (JUnit report or --jsonfile stream; repeatable)")
	dir := fs.StringP("chdir", "C", "", "list packages in `DIR`")
	by := fs.String("by", "package", "split whole `unit`s: package, or group (as --shard-by)")
	usage := func() {
		fmt.Fprintln(stdout, "Usage: gorerun shard-plan --shards N [--by package|group] [--shard-timings FILE...] [--json] [packages...] [-- go test flags...]")
		fmt.Fprint(stdout, fs.FlagUsages())
	}
	ours, goFlags := splitDashDash(args)
	if err := parseFlags(fs, ours, usage); err != nil {
		return exitUsage, err
	}
	if *n < 1 || *n > shard.MaxShards {
		return exitUsage, usageError(fmt.Errorf("shard-plan: --shards must be from 1 to %d", shard.MaxShards))
	}
	if v := getenv("GORERUN_SHARD_TIMINGS"); v != "" && len(timings) == 0 {
		timings.Set(v)
	}
	if *by != "package" && *by != "group" {
		return exitUsage, usageError(fmt.Errorf("shard-plan: --by %q: must be package or group", *by))
	}
	rc := runner.Config{Dir: *dir, Packages: fs.Args(), Flags: goFlags}
	if *by == "group" {
		timed, err := shard.ReadGroupTimings(timings)
		if err != nil {
			return exitUsage, usageError(fmt.Errorf("shard-plan: --shard-timings: %w", err))
		}
		list, err := runner.ListGroups(ctx, rc)
		if err != nil {
			return exitUsage, usageError(err)
		}
		units := shard.GroupUnits(list)
		plan := shard.Plan(units, *n, timed)
		return exitOK, shard.WriteGroupPlan(stdout, plan, *n, len(units), len(timed) > 0, *asJSON)
	}
	pkgs, err := runner.ListPackages(ctx, rc)
	if err != nil {
		return exitUsage, usageError(err)
	}
	plan, err := shard.PlanWithTimings(pkgs, *n, timings)
	if err != nil {
		return exitUsage, usageError(err)
	}
	return exitOK, shard.WritePlan(stdout, plan, *n, len(pkgs), timings, *asJSON)
}

func splitDashDash(args []string) ([]string, []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}

// parseFlags parses a subcommand's args with fs. A bad flag is a usage
// error of one line (the caller prints it); -h and --help print the usage
// and return errHelpShown (exit 0). Long flags written with one dash are
// accepted.
func parseFlags(fs *pflag.FlagSet, args []string, usage func()) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(longFlagsWithOneDash(fs, args))
	if errors.Is(err, pflag.ErrHelp) {
		usage()
		return errHelpShown
	}
	if err != nil {
		return usageError(flagError(fs, err))
	}
	return nil
}

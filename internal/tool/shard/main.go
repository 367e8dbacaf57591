package shard

import (
	"context"
	"fmt"
	"io"

	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/cli/flagvalue"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/spf13/pflag"
)

// PlanMain is `gorerun shard-plan`: it prints how packages split.
func PlanMain(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) (int, error) {
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
	ours, goFlags := cli.SplitDashDash(args)
	if err := cli.ParseFlags(fs, ours, usage); err != nil {
		return cli.ExitUsage, err
	}
	if *n < 1 || *n > MaxShards {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("shard-plan: --shards must be from 1 to %d", MaxShards))
	}
	if v := getenv("GORERUN_SHARD_TIMINGS"); v != "" && len(timings) == 0 {
		timings.Set(v)
	}
	if *by != "package" && *by != "group" {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("shard-plan: --by %q: must be package or group", *by))
	}
	rc := runner.Config{Dir: *dir, Packages: fs.Args(), Flags: goFlags}
	if *by == "group" {
		timed, err := ReadGroupTimings(timings)
		if err != nil {
			return cli.ExitUsage, cli.Usage(fmt.Errorf("shard-plan: --shard-timings: %w", err))
		}
		list, err := runner.ListGroups(ctx, rc)
		if err != nil {
			return cli.ExitUsage, cli.Usage(err)
		}
		units := GroupUnits(list)
		plan := Plan(units, *n, timed)
		return cli.ExitOK, WriteGroupPlan(stdout, plan, *n, len(units), len(timed) > 0, *asJSON)
	}
	pkgs, err := runner.ListPackages(ctx, rc)
	if err != nil {
		return cli.ExitUsage, cli.Usage(err)
	}
	plan, err := PlanWithTimings(pkgs, *n, timings)
	if err != nil {
		return cli.ExitUsage, cli.Usage(err)
	}
	return cli.ExitOK, WritePlan(stdout, plan, *n, len(pkgs), timings, *asJSON)
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/inputfile"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/render"
	"github.com/gorerun/gorerun/runner"
	"github.com/gorerun/gorerun/shard"
)

// shardPackages returns this shard's packages and a line saying so.
func shardPackages(ctx context.Context, o *options, cfg runner.Config) ([]string, string, error) {
	spec, err := shard.ParseSpec(o.shard)
	if err != nil {
		return nil, "", fmt.Errorf("--shard: %w", err)
	}
	plan, total, err := planShards(ctx, cfg, spec.N, o.shardTimings)
	if err != nil {
		return nil, "", err
	}
	pkgs := shard.Packages(plan, spec.K)
	return pkgs, fmt.Sprintf("shard %s: %d of %d packages", spec, len(pkgs), total), nil
}

func planShards(ctx context.Context, cfg runner.Config, n int, timingFiles []string) ([]shard.Shard, int, error) {
	pkgs, err := runner.ListPackages(ctx, cfg)
	if err != nil {
		return nil, 0, err
	}
	var timings map[string]time.Duration
	if len(timingFiles) > 0 {
		if timings, err = shard.ReadTimings(timingFiles); err != nil {
			return nil, 0, fmt.Errorf("--shard-timings: %w", err)
		}
	}
	return shard.Plan(pkgs, n, timings), len(pkgs), nil
}

// runShardPlan is `gorerun shard-plan`: it prints how packages split.
func runShardPlan(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) (int, error) {
	fs := flag.NewFlagSet("gorerun shard-plan", flag.ContinueOnError)
	fs.SetOutput(stdout)
	n := fs.Int("shards", 0, "split into `N` shards")
	asJSON := fs.Bool("json", false, "print a JSON list for a CI matrix")
	var timings listValue
	fs.Var(&timings, "shard-timings", "balance by durations in `FILE` (JUnit report or --jsonfile stream; repeatable)")
	dir := fs.String("C", "", "list packages in `DIR`")
	usage := func() {
		fmt.Fprintln(stdout, "Usage: gorerun shard-plan --shards N [--shard-timings FILE...] [--json] [packages...] [-- go test flags...]")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
	}
	ours, goFlags := splitDashDash(args)
	if err := parseFlags(fs, ours, usage); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, nil
		}
		return exitUsage, usageError(err)
	}
	if *n < 1 || *n > shard.MaxShards {
		return exitUsage, usageError(fmt.Errorf("shard-plan: --shards must be from 1 to %d", shard.MaxShards))
	}
	if v := getenv("GORERUN_SHARD_TIMINGS"); v != "" && len(timings) == 0 {
		timings.Set(v)
	}
	plan, total, err := planShards(ctx, runner.Config{Dir: *dir, Packages: fs.Args(), Flags: goFlags}, *n, timings)
	if err != nil {
		return exitUsage, usageError(err)
	}
	if *asJSON {
		type entry struct {
			Shard    string   `json:"shard"`
			Packages []string `json:"packages"`
			Seconds  float64  `json:"estimated_seconds"`
		}
		out := []entry{}
		for k := 1; k <= *n; k++ {
			e := entry{Shard: fmt.Sprintf("%d/%d", k, *n), Packages: shard.Packages(plan, k)}
			if k <= len(plan) {
				e.Seconds = plan[k-1].Seconds
			}
			out = append(out, e)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return exitOK, enc.Encode(out)
	}
	fmt.Fprintf(stdout, "%d packages in %d shards", total, *n)
	if len(timings) > 0 {
		fmt.Fprintf(stdout, ", balanced by %s", strings.Join(timings, ", "))
	}
	fmt.Fprintln(stdout)
	for _, s := range plan {
		est := ""
		if len(timings) > 0 {
			est = fmt.Sprintf(", ~%.1fs", s.Seconds)
		}
		fmt.Fprintf(stdout, "shard %d/%d (%d packages%s):\n", s.Index, *n, len(s.Packages), est)
		for _, p := range s.Packages {
			fmt.Fprintf(stdout, "  %s\n", p)
		}
	}
	switch empty := *n - len(plan); {
	case empty == 1:
		fmt.Fprintf(stdout, "shard %d/%d: no packages (more shards than packages)\n", *n, *n)
	case empty > 1:
		fmt.Fprintf(stdout, "shards %d/%d to %d/%d: no packages (more shards than packages)\n", len(plan)+1, *n, *n, *n)
	}
	return exitOK, nil
}

func splitDashDash(args []string) ([]string, []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}

// runMerge is `gorerun merge -o FILE report.xml...`.
func runMerge(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("gorerun merge", flag.ContinueOnError)
	fs.SetOutput(stdout)
	out := fs.String("o", "", "write the merged report to `FILE`")
	usage := func() {
		fmt.Fprintln(stdout, "Usage: gorerun merge -o FILE report.xml...")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, usage); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, nil
		}
		return exitUsage, usageError(err)
	}
	if *out == "" || fs.NArg() == 0 {
		return exitUsage, usageError(errors.New("merge: give -o FILE and at least one report"))
	}
	var inputs []namedFile
	for _, name := range fs.Args() {
		inputs = append(inputs, namedFile{"merge input", name})
	}
	if err := checkOutputs(inputs, []namedFile{{"merge -o", *out}}); err != nil {
		return exitUsage, usageError(err)
	}
	removeStale(*out, stderr)
	var reports [][]byte
	for _, name := range fs.Args() {
		b, err := inputfile.Read(name, inputfile.MaxSize)
		if err != nil {
			return exitUsage, usageError(fmt.Errorf("merge: %w", err))
		}
		reports = append(reports, b)
	}
	merged, dups, err := junitout.Merge(reports, fs.Args())
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

func summaryPath(o *options, getenv func(string) string) string {
	if o.summaryMD != "" {
		return o.summaryMD
	}
	return getenv("GITHUB_STEP_SUMMARY")
}

// appendSummary appends the Markdown summary: job summaries are appended
// to by every step, so this one file is not replaced.
func appendSummary(path string, report *grouping.Report, elapsed time.Duration) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("--summary-md: %w", err)
	}
	if err := render.Markdown(f, report, elapsed); err != nil {
		f.Close()
		return fmt.Errorf("--summary-md %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--summary-md %s: %w", path, err)
	}
	return nil
}

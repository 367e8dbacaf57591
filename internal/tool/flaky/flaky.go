// Package flaky is `gorerun flaky` (the flakiest groups of the history)
// and `gorerun history import|prune` (the history kept by hand).
package flaky

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/cli/flagvalue"
	"github.com/gorerun/gorerun/internal/cli/options"
	"github.com/gorerun/gorerun/internal/file/atomicfile"
	"github.com/gorerun/gorerun/internal/file/inputfile"
	"github.com/gorerun/gorerun/internal/file/reportfile"
	"github.com/gorerun/gorerun/internal/output/history"
	"github.com/gorerun/gorerun/internal/quarantine"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/gorerun/gorerun/internal/session"
)

// historyFlags are the flags that find the history database.
func historyFlags(fs *pflag.FlagSet) (path, cacheDir, dir *string) {
	return fs.String("history", "", "the history: a database `FILE` or a postgres:// URL (default: $GORERUN_HISTORY, else .gorerun/history.db in the module root)"),
		fs.String("cache-dir", "", "the cache directory the database is in (default: .gorerun in the module root)"),
		fs.StringP("chdir", "C", "", "find the module in `DIR`")
}

func historyDB(ctx context.Context, path, cacheDir, dir string, getenv func(string) string) (string, error) {
	if path == "" {
		path = getenv(options.EnvName("history")) // as the main command reads it: a CI job sets it once
	}
	db := session.HistoryPath(path, cacheDir, func() string { return runner.ModuleRoot(ctx, runner.Config{Dir: dir}) })
	if db == "" {
		return "", errors.New("not in a Go module: give --history FILE")
	}
	return db, nil
}

// Main is `gorerun flaky`: the flakiest groups in the history.
func Main(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) (int, error) {
	fs := pflag.NewFlagSet("gorerun flaky", pflag.ContinueOnError)
	path, cacheDir, dir := historyFlags(fs)
	var since flagvalue.Age
	fs.Var(&since, "since", "only runs of the last `D` (30d, 12h; default: all)")
	minRuns := fs.Int("min-runs", 5, "only groups with at least `N` runs")
	asJSON := fs.Bool("json", false, "print JSON")
	qfile := fs.String("quarantine", "", "mark the groups of this quarantine `FILE` that can be released (20 clean runs in a row)")
	usage := func() {
		fmt.Fprintln(stdout, "Usage: gorerun flaky [--since 30d] [--min-runs 5] [--json]\n\nThe groups of the history ordered by flake rate: runs where they failed and then passed on a rerun, over runs.")
		fmt.Fprint(stdout, fs.FlagUsages())
	}
	if err := cli.ParseFlags(fs, args, usage); err != nil {
		return cli.ExitUsage, err
	}
	dbPath, err := historyDB(ctx, *path, *cacheDir, *dir, getenv)
	if err != nil {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("flaky: %w", err))
	}
	var q *quarantine.List
	if *qfile != "" {
		if q, err = quarantine.ReadFile(*qfile); err != nil {
			return cli.ExitUsage, cli.Usage(fmt.Errorf("flaky: %w", err))
		}
	}
	db, err := openExisting("flaky", dbPath, "yet: gorerun records every run there")
	if err != nil {
		return cli.ExitUsage, err
	}
	defer db.Close()
	var cutoff time.Time
	if since > 0 {
		cutoff = time.Now().Add(-time.Duration(since))
	}
	stats, err := db.Stats(cutoff, *minRuns)
	if err != nil {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("flaky: %s: %w", db.Location(), err))
	}
	var flaky []history.Stat
	for _, s := range stats {
		if s.Flakes > 0 || (q != nil && q.Has(s.Package, s.Group)) {
			flaky = append(flaky, s)
		}
	}
	release := func(s history.Stat) bool {
		return q != nil && q.Has(s.Package, s.Group) && s.Streak >= quarantine.ReleaseAfter
	}
	if *asJSON {
		type row struct {
			history.Stat
			Release bool `json:",omitempty"`
		}
		rows := []row{}
		for _, s := range flaky {
			rows = append(rows, row{s, release(s)})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return cli.ExitOK, enc.Encode(rows)
	}
	if len(flaky) == 0 {
		fmt.Fprintf(stdout, "No group flaked in %s (groups with at least %d runs).\n", db.Location(), *minRuns)
		return cli.ExitOK, nil
	}
	return cli.ExitOK, printTable(stdout, flaky, release)
}

// printTable writes the flaky groups as a table, flakiest first.
func printTable(stdout io.Writer, flaky []history.Stat, release func(history.Stat) bool) error {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RATE\tFLAKES\tRUNS\tFAILED\tGROUP\tPACKAGE\tLAST FLAKE\tFIRST FLAKE\tATTEMPTS TO PASS\tTIME LOST\t")
	for _, s := range flaky {
		first, last := "-", "-"
		if !s.FirstFlake.IsZero() {
			first = s.FirstFlake.Local().Format("2006-01-02 15:04")
			if s.FirstCommit != "" {
				first += " " + s.FirstCommit[:min(8, len(s.FirstCommit))]
			}
			last = s.LastFlake.Local().Format("2006-01-02 15:04")
		}
		name := s.Group
		if release(s) {
			name += " (release? " + fmt.Sprint(s.Streak) + " clean runs)"
		}
		fmt.Fprintf(tw, "%.0f%%\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%.2f\t%s\t\n", s.Rate*100, s.Flakes, s.Runs, s.Hard, name, s.Package,
			last, first, s.MeanAttempts, s.TimeLost.Round(time.Millisecond))
	}
	return tw.Flush()
}

// HistoryMain is `gorerun history import FILES...` and `gorerun history
// prune --keep 90d`.
func HistoryMain(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) (int, error) {
	uses := map[string]string{"import": "import report.xml|events.jsonl...", "prune": "prune --keep 90d",
		"push": "push --to postgres://... [--history FILE]", "export": "export --format csv|jsonl [-o FILE]"}
	if len(args) == 0 || uses[args[0]] == "" {
		return cli.ExitUsage, cli.Usage(errors.New("history: gorerun history import FILES... | prune --keep 90d | push --to URL | export --format csv|jsonl"))
	}
	fs := pflag.NewFlagSet("gorerun history "+args[0], pflag.ContinueOnError)
	path, cacheDir, dir := historyFlags(fs)
	keep := flagvalue.Age(90 * 24 * time.Hour)
	all := false
	var to, format, out *string
	switch args[0] {
	case "prune":
		fs.Var(&keep, "keep", "keep the runs of the last `D` (30d, 12h)")
		fs.BoolVar(&all, "all", false, "delete every run (with --keep 0)")
	case "push":
		to = fs.String("to", "", "the shared history to send the runs to: a postgres:// `URL` (or a database file)")
	case "export":
		format = fs.String("format", "csv", "`csv` or jsonl")
		out = fs.StringP("output", "o", "", "write to `FILE` (default: stdout)")
	}
	usage := func() {
		fmt.Fprintf(stdout, "Usage: gorerun history %s\n", uses[args[0]])
		fmt.Fprint(stdout, fs.FlagUsages())
	}
	if err := cli.ParseFlags(fs, args[1:], usage); err != nil {
		return cli.ExitUsage, err
	}
	dbPath, err := historyDB(ctx, *path, *cacheDir, *dir, getenv)
	if err != nil {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("history: %w", err))
	}
	switch args[0] {
	case "push":
		return push(dbPath, *to, stdout)
	case "export":
		return export(dbPath, *format, *out, stdout)
	}
	if args[0] == "import" && fs.NArg() == 0 {
		return cli.ExitUsage, cli.Usage(errors.New("history import: name the JUnit reports or --jsonfile streams to import"))
	}
	if args[0] == "prune" && keep <= 0 && !all {
		return cli.ExitUsage, cli.Usage(errors.New("history prune: --keep 0 would delete every run; add --all to do that"))
	}
	// Every file is read and understood before anything is imported: a
	// bad one refuses the whole import, so none is half done.
	var sources []importSource
	for _, name := range fs.Args() {
		src, err := readSource(name)
		if err != nil {
			return cli.ExitUsage, cli.Usage(fmt.Errorf("history import: %w (nothing imported)", err))
		}
		sources = append(sources, src)
	}
	db, err := history.Open(dbPath)
	if err != nil {
		return cli.ExitUsage, cli.Usage(err)
	}
	defer db.Close()
	if args[0] == "prune" {
		n, err := db.Prune(time.Now().Add(-time.Duration(keep)))
		if err != nil {
			return cli.ExitFailed, err
		}
		fmt.Fprintf(stdout, "gorerun: pruned %d runs older than %s from %s\n", n, time.Duration(keep), db.Location())
		return cli.ExitOK, nil
	}
	return importAll(db, sources, stdout)
}

// importAll records the sources, each file once however often imported.
func importAll(db *history.DB, sources []importSource, stdout io.Writer) (int, error) {
	imported, skipped := 0, 0
	for _, src := range sources {
		err := db.Record(src.run, src.report)
		switch {
		case errors.Is(err, history.ErrAlreadyImported):
			skipped++
		case err != nil:
			fmt.Fprintf(stdout, "gorerun: imported %d files into %s (%d already there) before %s failed\n", imported, db.Location(), skipped, src.name)
			return cli.ExitFailed, err
		default:
			imported++
		}
	}
	fmt.Fprintf(stdout, "gorerun: imported %d files into %s (%d already there)\n", imported, db.Location(), skipped)
	return cli.ExitOK, nil
}

// push is `gorerun history push --to URL`: the runs of the local history
// (made without a network) sent to the shared one, each once.
func push(from, to string, stdout io.Writer) (int, error) {
	if to == "" {
		return cli.ExitUsage, cli.Usage(errors.New("history push: --to names the shared history (postgres://user@host/db)"))
	}
	src, err := openExisting("history push", from, "to push")
	if err != nil {
		return cli.ExitUsage, err
	}
	defer src.Close()
	dst, err := history.Open(to)
	if err != nil {
		return cli.ExitFailed, fmt.Errorf("history push: %w", err)
	}
	defer dst.Close()
	pushed, known, err := src.Push(dst)
	if err != nil {
		return cli.ExitFailed, fmt.Errorf("history push: %d runs sent to %s before: %w", pushed, dst.Location(), err)
	}
	fmt.Fprintf(stdout, "gorerun: pushed %d runs from %s to %s (%d already there)\n", pushed, src.Location(), dst.Location(), known)
	return cli.ExitOK, nil
}

// export is `gorerun history export --format csv|jsonl`: every row of the
// history, for other tools.
func export(from, format, out string, stdout io.Writer) (int, error) {
	if format != "csv" && format != "jsonl" {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("history export: --format %q: must be csv or jsonl", format))
	}
	db, err := openExisting("history export", from, "yet")
	if err != nil {
		return cli.ExitUsage, err
	}
	defer db.Close()
	if out == "" {
		if err := db.Export(stdout, format); err != nil {
			return cli.ExitFailed, fmt.Errorf("history export: %w", err)
		}
		return cli.ExitOK, nil
	}
	f, err := atomicfile.Create(out)
	if err != nil {
		return cli.ExitUsage, cli.Usage(fmt.Errorf("history export: %w", err))
	}
	if err := db.Export(f, format); err != nil {
		f.Abort()
		return cli.ExitFailed, fmt.Errorf("history export: %w", err)
	}
	if err := f.Commit(); err != nil {
		return cli.ExitFailed, fmt.Errorf("history export: %w", err)
	}
	return cli.ExitOK, nil
}

// openExisting opens the history at loc for cmd, which reads it: one not
// there yet (missing says what then), or one that cannot be opened (a
// corrupt or newer file, a refused URL), is a usage error naming it
// without its password.
func openExisting(cmd, loc, missing string) (*history.DB, error) {
	if !history.Exists(loc) {
		return nil, cli.Usage(fmt.Errorf("%s: no history at %s %s", cmd, history.Redact(loc), missing))
	}
	db, err := history.Open(loc)
	if err != nil {
		return nil, cli.Usage(fmt.Errorf("%s: %w", cmd, err))
	}
	return db, nil
}

// importSource is a file to import, read and understood.
type importSource struct {
	name   string
	run    history.Run
	report *grouping.Report
}

// readSource reads a file to import: its run is told apart by the file's
// SHA-256 and dated by its modification time.
func readSource(name string) (importSource, error) {
	b, err := inputfile.Read(name, inputfile.MaxSize)
	if err != nil {
		return importSource{}, err
	}
	sum := sha256.Sum256(b)
	report, err := reportfile.Read(name, b)
	if err != nil {
		return importSource{}, err
	}
	started := time.Now()
	if st, err := os.Stat(name); err == nil {
		started = st.ModTime()
	}
	return importSource{name: name, run: history.Run{Started: started, Source: hex.EncodeToString(sum[:])}, report: report}, nil
}

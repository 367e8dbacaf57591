package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gorerun/gorerun/internal/env/gitinfo"
	"github.com/gorerun/gorerun/internal/output/history"
	"github.com/gorerun/gorerun/internal/output/lastfailed"
	"github.com/gorerun/gorerun/internal/quarantine"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/gorerun/gorerun/internal/tool/shard"
)

// facts are what a run asks about its surroundings (the module's root and
// the go version, together; the commit, what the history says), each found
// once, whichever output asks first: every answer costs a process or a
// query.
type facts struct {
	ctx context.Context
	cfg Config

	env                  once[runner.Env]
	commitID, branchName once[string]
	stats                once[[]history.Stat] // every group of the history (nil: none)
	statsErr             error                // why the history could not be read

	// db is the run's one handle on the history, opened when first asked
	// for (see historyDB) and closed when the run ends; dbErr is why it
	// could not be opened, so that a database that is down costs one
	// wait, not one per question.
	dbMu  sync.Mutex
	db    *history.DB
	dbErr error

	timings once[timingsResult]
	// pending are the questions prefetch asked ahead; close waits for
	// them before it closes the history they may be reading.
	pending sync.WaitGroup
}

// timingsResult is what groupTimings found.
type timingsResult struct {
	timings map[string]time.Duration
	err     error
}

// prefetch asks at once what a run of go test waits for before its first
// go test: the go command's environment, git's commit and branch (which
// the history records) and, with --workers or --shard-by group, the
// groups' timings from the history. Each is a process to start or a
// database to open: asked one after another, go test started 50 ms after
// gorerun on go-cmp (66 ms with --workers 2), asked at once 37 ms (43).
// A recorded stream waits for none of them (go env beside its start was
// measured: no gain).
func (f *facts) prefetch() {
	cfg := f.cfg
	if cfg.Input != "" || cfg.RawCommand {
		return
	}
	f.pending.Go(func() { f.goEnv() })
	if !cfg.NoHistory {
		f.pending.Go(func() { f.commit() })
		f.pending.Go(func() { f.branch() })
	}
	if cfg.Workers > 1 || cfg.Shard != "" && cfg.ShardBy == "group" {
		f.pending.Go(func() { f.groupTimings() })
	}
}

// once holds a value computed the first time it is asked for; outputs
// that finish on goroutines of their own (the JUnit report beside the
// summary) may ask at the same time.
type once[T any] struct {
	once sync.Once
	v    T
}

func (o *once[T]) get(f func() T) T {
	o.once.Do(func() { o.v = f() })
	return o.v
}

func (f *facts) runnerConfig() runner.Config { return runner.Config{Dir: f.cfg.Dir} }

func (f *facts) goEnv() runner.Env {
	return f.env.get(func() runner.Env { return runner.GoEnv(f.ctx, f.runnerConfig()) })
}

func (f *facts) moduleRoot() string { return f.goEnv().ModuleRoot }

func (f *facts) goVersion() string { return f.goEnv().Version }

func (f *facts) commit() string {
	return f.commitID.get(func() string { return gitinfo.Commit(f.ctx, f.cfg.Dir, os.Environ()) })
}

func (f *facts) branch() string {
	return f.branchName.get(func() string { return gitinfo.Branch(f.ctx, f.cfg.Dir, os.Environ()) })
}

// historyPath is the history database: --history, else history.db in the
// cache directory (.gorerun in the module root); "" outside a module
// without either. --no-history stops recording, not reading.
func (f *facts) historyPath() string {
	return HistoryPath(f.cfg.History, f.cfg.CacheDir, f.moduleRoot)
}

// HistoryPath is where the history database is: file if set, else
// history.db in cacheDir, else in .gorerun under the module root (root is
// asked only then); "" when there is none of them.
func HistoryPath(file, cacheDir string, root func() string) string {
	switch {
	case file != "":
		return file
	case cacheDir != "":
		return filepath.Join(cacheDir, history.DefaultName)
	}
	if r := root(); r != "" {
		return filepath.Join(r, lastfailed.DirName, history.DefaultName)
	}
	return ""
}

// past returns every group of the history before this run (at least one
// run each, flakiest first), reading the database once; nil when there is
// no database yet.
func (f *facts) past() []history.Stat {
	return f.stats.get(func() []history.Stat {
		var stats []history.Stat
		f.statsErr = f.withHistory(func(db *history.DB) error {
			var err error
			stats, err = db.Stats(time.Time{}, 1)
			return err
		})
		return stats
	})
}

// withHistory calls use with the history database when one exists
// (reading never creates it) and returns why it could not be read.
func (f *facts) withHistory(use func(*history.DB) error) error {
	db, err := f.historyDB(false)
	if db == nil {
		return err
	}
	return use(db)
}

// historyDB returns the run's handle on the history database, opening it
// the first time: for reading (create false) only when one exists, for
// recording in any case. nil without a history.
func (f *facts) historyDB(create bool) (*history.DB, error) {
	f.dbMu.Lock()
	defer f.dbMu.Unlock()
	if f.db != nil || f.dbErr != nil {
		return f.db, f.dbErr
	}
	path := f.historyPath()
	if path == "" || !create && !history.Exists(path) {
		return nil, nil
	}
	f.db, f.dbErr = history.Open(path)
	return f.db, f.dbErr
}

// close closes what the run opened for its facts.
func (f *facts) close() {
	f.pending.Wait()
	if f.db != nil {
		f.db.Close()
	}
}

// quarantined reads --quarantine and, with --quarantine-auto, adds the
// groups that flake more often than the rate in the history.
func (f *facts) quarantined() (*quarantine.List, error) {
	cfg := f.cfg
	q := &quarantine.List{}
	if cfg.QuarantineFile != "" {
		var err error
		if q, err = quarantine.ReadFile(cfg.QuarantineFile); err != nil {
			return nil, err
		}
	}
	if cfg.QuarantineAuto <= 0 {
		return q, nil
	}
	if f.historyPath() == "" {
		return nil, errors.New("--quarantine-auto reads the history: give --history FILE (outside a module)")
	}
	q.AddFlaky(f.past(), cfg.QuarantineAuto, cfg.QuarantineMinRuns)
	if f.statsErr != nil {
		fmt.Fprintf(cfg.Stderr, "gorerun: warning: --quarantine-auto: %v: no group quarantined from history\n", f.statsErr)
	}
	return q, nil
}

// historyLookup gives the HTML report each group's flake rate and latest
// runs from the history before this run; nil without a history or with
// --no-history.
func (f *facts) historyLookup() func(pkg, group string) (float64, int, []string, bool) {
	if f.cfg.NoHistory || len(f.past()) == 0 {
		return nil
	}
	by := map[[2]string]history.Stat{}
	for _, s := range f.past() {
		by[[2]string{s.Package, s.Group}] = s
	}
	return func(pkg, group string) (float64, int, []string, bool) {
		s, ok := by[[2]string{pkg, group}]
		return s.Rate, s.Runs, s.Recent, ok
	}
}

// flakiest returns the groups that flaked in the history, flakiest first
// (at least 5 runs), for the step summary; none without a history or with
// --no-history.
func (f *facts) flakiest() []history.Stat {
	if f.cfg.NoHistory {
		return nil
	}
	var out []history.Stat
	for _, s := range f.past() {
		if s.Runs >= 5 && s.Flakes > 0 {
			out = append(out, s)
		}
	}
	return out
}

// groupTimings reads the group durations that balance workers and group
// shards: --shard-timings, else the history database, else this run's
// --jsonfile as the previous run left it (best effort: it may not exist
// yet). It reads them once.
func (f *facts) groupTimings() (map[string]time.Duration, error) {
	r := f.timings.get(func() timingsResult {
		t, err := f.readGroupTimings()
		return timingsResult{t, err}
	})
	return r.timings, r.err
}

func (f *facts) readGroupTimings() (map[string]time.Duration, error) {
	cfg := f.cfg
	timings, err := shard.ReadGroupTimings(cfg.ShardTimings)
	if err != nil {
		return nil, fmt.Errorf("--shard-timings: %w", err)
	}
	if len(cfg.ShardTimings) > 0 {
		return timings, nil
	}
	// Shards never plan from the history: each shard's run adds to it, so
	// shards run one after another (or on machines with different
	// histories) would each see other timings and deal the groups
	// differently, running some twice and some never. A plan depends only
	// on what every shard sees alike: the packages, the listed groups and
	// the --shard-timings files.
	if !cfg.NoHistory && cfg.Shard == "" {
		var durations map[string]time.Duration
		f.withHistory(func(db *history.DB) error { durations, _ = db.Durations(); return nil })
		if len(durations) > 0 {
			return durations, nil
		}
	}
	if cfg.JSONFile != "" {
		if prev, err := shard.ReadGroupTimings([]string{cfg.JSONFile}); err == nil {
			timings = prev
		}
	}
	return timings, nil
}

// Package history keeps every attempt of every group across runs in an
// embedded SQLite database (modernc.org/sqlite: pure Go, no cgo), and
// answers what flakes: how often, since when, at what cost.
package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/file/inputfile"
)

// DefaultName is the database's file in the cache directory (.gorerun).
const DefaultName = "history.db"

// schemaVersion is the version migrate brings a database to.
const schemaVersion = 3

// migrations[i] takes a database from version i to i+1.
var migrations = []string{
	`CREATE TABLE runs (
		id       INTEGER PRIMARY KEY,
		started  TEXT NOT NULL,   -- RFC 3339, UTC
		module   TEXT NOT NULL,
		commit_  TEXT NOT NULL,   -- $GITHUB_SHA, $CI_COMMIT_SHA or git rev-parse HEAD
		branch   TEXT NOT NULL,
		source   TEXT UNIQUE      -- an imported file's SHA-256, so importing it twice is a no-op
	);
	CREATE TABLE results (
		run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
		package     TEXT NOT NULL,
		grp         TEXT NOT NULL,
		attempt     INTEGER NOT NULL,
		outcome     TEXT NOT NULL,  -- pass, fail, crash, skip, notrun (interrupted: schema 2)
		duration_ms INTEGER NOT NULL,
		failure     TEXT NOT NULL   -- the first failure line
	);
	CREATE INDEX results_group ON results(package, grp);
	CREATE INDEX results_run ON results(run_id);`,
	// An interrupted run (SIGINT, a cancelled CI job) is kept, but counts
	// neither as a flake nor as a failure.
	`ALTER TABLE runs ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;`,
	// The seed the attempt shuffled its package's tests with (go test
	// -shuffle), "" when it did not: an order-dependent failure can be
	// told from a flaky one, and run again in its order.
	`ALTER TABLE results ADD COLUMN shuffle TEXT NOT NULL DEFAULT '';`,
}

// DB is a history database.
type DB struct {
	db   *sql.DB
	path string
}

// Open opens (creating it and its directory if needed) and migrates the
// database at path. Concurrent runs are safe: WAL journal, and a busy
// timeout instead of an error when another run writes.
func Open(path string) (*DB, error) {
	if st, err := os.Stat(path); err == nil {
		if err := inputfile.Check(path, st, math.MaxInt64); err != nil {
			return nil, fmt.Errorf("history %w", err) // a FIFO would block SQLite's open
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", fileURI(path)+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	h := &DB{db: db, path: path}
	if err := retryBusy(h.migrate); err != nil {
		db.Close()
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	return h, nil
}

// fileURI is path as an SQLite file: URI. '?', '#' and '%' in a path
// (a CI workspace named ws_feature%2Fbar) must be escaped, or SQLite
// opens another file.
func fileURI(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath()
}

// Close closes the database.
func (h *DB) Close() error { return h.db.Close() }

func (h *DB) migrate() error {
	// A database at the current schema needs no write: reading it (the
	// flake rates behind --quarantine-auto) must not wait for another
	// run's write lock.
	var current int
	if err := h.db.QueryRow(`PRAGMA user_version`).Scan(&current); err == nil && current == schemaVersion {
		return nil
	}
	tx, err := h.db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v > schemaVersion {
		return fmt.Errorf("written by a newer gorerun (schema %d, this one knows %d)", v, schemaVersion)
	}
	for ; v < schemaVersion; v++ {
		if _, err := tx.Exec(migrations[v]); err != nil {
			return fmt.Errorf("migrating to schema %d: %w", v+1, err)
		}
	}
	if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// Run describes one run being recorded.
type Run struct {
	Started time.Time
	Module  string
	Commit  string
	Branch  string
	// Source identifies an imported file (its SHA-256): a run with a
	// source already recorded is not recorded again.
	Source string
	// Interrupted marks a run that was interrupted: stats leave it out.
	Interrupted bool
}

// ErrAlreadyImported is returned by Record for a Source recorded before.
var ErrAlreadyImported = errors.New("already imported")

// Outcome names a group's status in an attempt as the history stores it.
func Outcome(s grouping.Status) string {
	switch s {
	case grouping.Pass:
		return "pass"
	case grouping.Skip:
		return "skip"
	case grouping.Fail:
		return "fail"
	case grouping.NotRun:
		return "notrun"
	case grouping.Interrupted:
		return "interrupted"
	}
	return "crash"
}

// retryBusy retries f while another process holds the database (a new
// database being created and switched to WAL can answer SQLITE_BUSY
// before the busy timeout applies), for up to half a minute.
func retryBusy(f func() error) error {
	deadline := time.Now().Add(30 * time.Second)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := f()
		if err == nil || !busy(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(wait)
	}
}

func busy(err error) bool {
	s := err.Error()
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked")
}

// Record writes a run's report, one row per group and attempt, in one
// transaction.
func (h *DB) Record(run Run, r *grouping.Report) error {
	return retryBusy(func() error { return h.record(run, r) })
}

func (h *DB) record(run Run, r *grouping.Report) error {
	tx, err := h.db.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer tx.Rollback()
	var source any
	if run.Source != "" {
		source = run.Source
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM runs WHERE source = ?`, run.Source).Scan(&n); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		if n > 0 {
			return ErrAlreadyImported
		}
	}
	res, err := tx.Exec(`INSERT INTO runs(started, module, commit_, branch, source, interrupted) VALUES (?, ?, ?, ?, ?, ?)`,
		run.Started.UTC().Format(time.RFC3339Nano), run.Module, run.Commit, run.Branch, source, run.Interrupted)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	stmt, err := tx.Prepare(`INSERT INTO results(run_id, package, grp, attempt, outcome, duration_ms, failure, shuffle) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer stmt.Close()
	for _, ph := range r.Packages() {
		// Groups a recorded stream's package dropped as they passed.
		for _, p := range ph.Runs {
			for g := range p.CompactedGroups {
				if _, err := stmt.Exec(id, ph.ImportPath, g.Name, p.Attempt, "pass", 0, "", p.Seed()); err != nil {
					return fmt.Errorf("history: %w", err)
				}
			}
		}
		for _, hist := range ph.Groups {
			for _, g := range hist.Runs {
				failure := ""
				if g.Status().Failed() {
					failure = firstLine(g.FailureMessage(g.Top()))
				}
				if _, err := stmt.Exec(id, ph.ImportPath, hist.Name, g.Attempt, Outcome(g.Status()), g.Wall().Milliseconds(), failure, ph.Seed(g.Attempt)); err != nil {
					return fmt.Errorf("history: %w", err)
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Prune deletes the runs started before the cutoff, with their results,
// and returns how many it deleted.
func (h *DB) Prune(before time.Time) (int64, error) {
	res, err := h.db.Exec(`DELETE FROM runs WHERE started < ?`, before.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return 0, fmt.Errorf("history: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := h.db.Exec(`VACUUM`); err != nil {
		return n, fmt.Errorf("history: %w", err)
	}
	return n, nil
}

// Package history keeps every attempt of every group across runs, and
// answers what flakes: how often, since when, at what cost. The history
// is an embedded SQLite file (modernc.org/sqlite: pure Go, no cgo) by
// default, or a PostgreSQL database that many CI machines share
// (github.com/jackc/pgx/v5 and its pool). Both stores are one
// implementation: the same schema, the same queries, one transaction per
// run; what differs (placeholders, how the schema version is kept, the
// lock that guards a migration) is in the dialect.
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
	"strconv"
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

// migrations[i] takes a database from version i to i+1 (PostgreSQL
// creates its tables with pgCreate instead of the first step).
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

// pgCreate is migrations[0] for PostgreSQL: the same tables and columns,
// with its types for a key the server assigns. The later steps are
// written in SQL both take.
const pgCreate = `CREATE TABLE runs (
		id       BIGSERIAL PRIMARY KEY,
		started  TEXT NOT NULL,
		module   TEXT NOT NULL,
		commit_  TEXT NOT NULL,
		branch   TEXT NOT NULL,
		source   TEXT UNIQUE
	);
	CREATE TABLE results (
		run_id      BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
		package     TEXT NOT NULL,
		grp         TEXT NOT NULL,
		attempt     INTEGER NOT NULL,
		outcome     TEXT NOT NULL,
		duration_ms BIGINT NOT NULL,
		failure     TEXT NOT NULL
	);
	CREATE INDEX results_group ON results(package, grp);
	CREATE INDEX results_run ON results(run_id);`

// DB is a history database.
type DB struct {
	db *sql.DB
	// loc is where it is, for messages: the file, or the URL without its
	// password.
	loc string
	// pg is set for PostgreSQL; timeout bounds each operation there (a
	// server gone mid-run must not hang the run).
	pg      bool
	timeout time.Duration
	close   func()
}

// IsURL reports whether a --history location is a PostgreSQL URL rather
// than a file.
func IsURL(location string) bool {
	return strings.HasPrefix(location, "postgres://") || strings.HasPrefix(location, "postgresql://")
}

// Redact is a location as messages, reports and summaries show it: a
// URL's password (in its user part or a password parameter) replaced.
func Redact(location string) string {
	if !IsURL(location) {
		return location
	}
	u, err := url.Parse(location)
	if err != nil {
		return "postgres://(a URL that does not parse)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// RedactArgs is a command line as reports show it: the password of any
// URL in it (--history postgres://user:secret@host/db, or
// --history=...) replaced.
func RedactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		flag, value, ok := strings.Cut(a, "=")
		switch {
		case IsURL(a):
			a = Redact(a)
		case ok && strings.HasPrefix(flag, "-") && IsURL(value):
			a = flag + "=" + Redact(value)
		}
		out[i] = a
	}
	return out
}

// Exists reports whether there is a history at location to read: a URL
// always names one; a file must exist (reading never creates it).
func Exists(location string) bool {
	if IsURL(location) {
		return true
	}
	_, err := os.Stat(location)
	return err == nil
}

// Open opens (creating it if needed) and migrates the history at
// location: a PostgreSQL URL, else an SQLite file (its directory created
// too). Concurrent runs are safe: SQLite's WAL journal and a busy timeout
// instead of an error when another run writes; PostgreSQL's transactions,
// and an advisory lock around a migration.
func Open(location string) (*DB, error) {
	if IsURL(location) {
		return openPostgres(location)
	}
	path := location
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
	h := &DB{db: db, loc: path, close: func() {}}
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
func (h *DB) Close() error {
	err := h.db.Close()
	h.close()
	return err
}

// Location is where the history is, as messages show it (a URL without
// its password).
func (h *DB) Location() string { return h.loc }

// ctx bounds one operation on the database.
func (h *DB) ctx() (context.Context, context.CancelFunc) {
	if h.timeout <= 0 {
		return context.WithCancel(context.Background())
	}
	return context.WithTimeout(context.Background(), h.timeout)
}

// q writes a query's ? placeholders as the dialect wants them ($1, $2,
// ... for PostgreSQL).
func (h *DB) q(query string) string {
	if !h.pg || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (h *DB) migrate() error {
	ctx, cancel := h.ctx()
	defer cancel()
	// A database at the current schema needs no write: reading it (the
	// flake rates behind --quarantine-auto) must not wait for another
	// run's write lock.
	if v, err := h.version(ctx, h.db); err == nil && v == schemaVersion {
		return nil
	}
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	steps := migrations
	if h.pg {
		// Two machines migrating at once take turns; the second finds
		// the schema current.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7305861)`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS gorerun_schema (version INTEGER NOT NULL)`); err != nil {
			return err
		}
		steps = append([]string{pgCreate}, migrations[1:]...)
	}
	v, err := h.version(ctx, tx)
	if err != nil {
		return err
	}
	if v > schemaVersion {
		return fmt.Errorf("written by a newer gorerun (schema %d, this one knows %d)", v, schemaVersion)
	}
	for ; v < schemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, steps[v]); err != nil {
			return fmt.Errorf("migrating to schema %d: %w", v+1, err)
		}
	}
	if err := h.setVersion(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// querier is a database or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// version is the schema version of the database (0: empty).
func (h *DB) version(ctx context.Context, q querier) (int, error) {
	var v int
	if !h.pg {
		return v, q.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	}
	err := q.QueryRowContext(ctx, `SELECT version FROM gorerun_schema`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// setVersion records that the schema is current.
func (h *DB) setVersion(ctx context.Context, tx *sql.Tx) error {
	if !h.pg {
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion))
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM gorerun_schema`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO gorerun_schema(version) VALUES ($1)`, schemaVersion)
	return err
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
// transaction. A run whose Source is recorded already is not recorded
// again (ErrAlreadyImported), also when two machines record it at once.
func (h *DB) Record(run Run, r *grouping.Report) error {
	return retryBusy(func() error { return h.insertRun(run, resultRows(r)) })
}

// result is one row of the results table.
type result struct {
	pkg, grp      string
	attempt       int
	outcome       string
	ms            int64
	failure, seed string
}

// resultRows are the rows of a report: one per group and attempt.
func resultRows(r *grouping.Report) []result {
	var rows []result
	for _, ph := range r.Packages() {
		// Groups a recorded stream's package dropped as they passed.
		for _, p := range ph.Runs {
			for g := range p.CompactedGroups {
				rows = append(rows, result{ph.ImportPath, g.Name, p.Attempt, "pass", 0, "", p.Seed()})
			}
		}
		for _, hist := range ph.Groups {
			for _, g := range hist.Runs {
				failure := ""
				if g.Status().Failed() {
					failure = firstLine(g.FailureMessage(g.Top()))
				}
				rows = append(rows, result{ph.ImportPath, hist.Name, g.Attempt, Outcome(g.Status()), g.Wall().Milliseconds(), failure, ph.Seed(g.Attempt)})
			}
		}
	}
	return rows
}

// insertRun writes a run and its results in one transaction.
func (h *DB) insertRun(run Run, rows []result) error {
	ctx, cancel := h.ctx()
	defer cancel()
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer tx.Rollback()
	var source any
	if run.Source != "" {
		source = run.Source
	}
	interrupted := 0
	if run.Interrupted {
		interrupted = 1
	}
	var id int64
	err = tx.QueryRowContext(ctx, h.q(`INSERT INTO runs(started, module, commit_, branch, source, interrupted) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (source) DO NOTHING RETURNING id`),
		run.Started.UTC().Format(time.RFC3339Nano), run.Module, run.Commit, run.Branch, source, interrupted).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrAlreadyImported
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	// Many rows a statement: one round trip per batch, not per row, to a
	// server across the network.
	const batch = 100
	for len(rows) > 0 {
		n := min(batch, len(rows))
		var sb strings.Builder
		sb.WriteString(`INSERT INTO results(run_id, package, grp, attempt, outcome, duration_ms, failure, shuffle) VALUES `)
		args := make([]any, 0, 8*n)
		for i, r := range rows[:n] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, id, r.pkg, r.grp, r.attempt, r.outcome, r.ms, r.failure, r.seed)
		}
		if _, err := tx.ExecContext(ctx, h.q(sb.String()), args...); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		rows = rows[n:]
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
	ctx, cancel := h.ctx()
	defer cancel()
	res, err := h.db.ExecContext(ctx, h.q(`DELETE FROM runs WHERE started < ?`), before.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return 0, fmt.Errorf("history: %w", err)
	}
	n, _ := res.RowsAffected()
	if h.pg {
		return n, nil // the server's autovacuum reclaims the space
	}
	if _, err := h.db.ExecContext(ctx, `VACUUM`); err != nil {
		return n, fmt.Errorf("history: %w", err)
	}
	return n, nil
}

package history

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Row is one group's attempt in one run, as Export writes it.
type Row struct {
	Run         int64  `json:"run"`
	Started     string `json:"started"`
	Module      string `json:"module"`
	Commit      string `json:"commit"`
	Branch      string `json:"branch"`
	Source      string `json:"source,omitempty"`
	Interrupted bool   `json:"interrupted"`
	Package     string `json:"package"`
	Group       string `json:"group"`
	Attempt     int    `json:"attempt"`
	Outcome     string `json:"outcome"`
	DurationMS  int64  `json:"duration_ms"`
	Failure     string `json:"failure"`
	Shuffle     string `json:"shuffle,omitempty"`
}

// rows calls each with every row of the history, run by run, in the
// order runs were recorded.
func (h *DB) rows(each func(Row) error) error {
	ctx, cancel := h.ctx()
	defer cancel()
	rows, err := h.db.QueryContext(ctx, `SELECT u.id, u.started, u.module, u.commit_, u.branch, COALESCE(u.source, ''), u.interrupted,
		r.package, r.grp, r.attempt, r.outcome, r.duration_ms, r.failure, r.shuffle
		FROM runs u JOIN results r ON r.run_id = u.id ORDER BY u.id, r.package, r.grp, r.attempt`)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Row
		var interrupted int
		if err := rows.Scan(&r.Run, &r.Started, &r.Module, &r.Commit, &r.Branch, &r.Source, &interrupted,
			&r.Package, &r.Group, &r.Attempt, &r.Outcome, &r.DurationMS, &r.Failure, &r.Shuffle); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		r.Interrupted = interrupted != 0
		if err := each(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	return nil
}

// Export writes every row of the history to w as CSV (with a header) or
// JSON lines, for people who want the data in their own tools.
func (h *DB) Export(w io.Writer, format string) error {
	switch format {
	case "jsonl":
		enc := json.NewEncoder(w)
		return h.rows(func(r Row) error { return enc.Encode(r) })
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"run", "started", "module", "commit", "branch", "source", "interrupted", "package", "group",
			"attempt", "outcome", "duration_ms", "failure", "shuffle"})
		err := h.rows(func(r Row) error {
			return cw.Write([]string{strconv.FormatInt(r.Run, 10), r.Started, r.Module, r.Commit, r.Branch, r.Source,
				strconv.FormatBool(r.Interrupted), r.Package, r.Group, strconv.Itoa(r.Attempt), r.Outcome,
				strconv.FormatInt(r.DurationMS, 10), r.Failure, r.Shuffle})
		})
		cw.Flush()
		if err != nil {
			return err
		}
		return cw.Error()
	}
	return fmt.Errorf("export format %q: must be csv or jsonl", format)
}

// Push sends every run of h to the history to (a shared PostgreSQL, for
// runs made without a network) and returns how many it sent and how many
// to had already. It can run again: a run is known by its Source (an
// imported file's SHA-256) or, for a run gorerun recorded, a SHA-256 of
// the run and its rows.
func (h *DB) Push(to *DB) (pushed, known int, err error) {
	var run Run
	var rows []result
	var key string
	lastID := int64(-1)
	send := func() error {
		if lastID < 0 {
			return nil
		}
		if run.Source == "" {
			run.Source = "run:" + key
		}
		switch err := to.insertRun(run, rows); {
		case errors.Is(err, ErrAlreadyImported):
			known++
		case err != nil:
			return err
		default:
			pushed++
		}
		return nil
	}
	sum := sha256.New()
	err = h.rows(func(r Row) error {
		if r.Run != lastID {
			key = hex.EncodeToString(sum.Sum(nil))
			if err := send(); err != nil {
				return err
			}
			started, _ := time.Parse(time.RFC3339Nano, r.Started)
			run = Run{Started: started, Module: r.Module, Commit: r.Commit, Branch: r.Branch, Source: r.Source, Interrupted: r.Interrupted}
			rows, lastID = rows[:0], r.Run
			sum.Reset()
			fmt.Fprintln(sum, r.Started, r.Module, r.Commit, r.Branch, r.Interrupted)
		}
		rows = append(rows, result{r.Package, r.Group, r.Attempt, r.Outcome, r.DurationMS, r.Failure, r.Shuffle})
		fmt.Fprintln(sum, r.Package, r.Group, r.Attempt, r.Outcome, r.DurationMS, r.Failure, r.Shuffle)
		return nil
	})
	if err == nil {
		key = hex.EncodeToString(sum.Sum(nil))
		err = send()
	}
	return pushed, known, err
}

package history

import (
	"fmt"
	"sort"
	"time"
)

// Stat is what the history says about one group.
type Stat struct {
	Package, Group string
	Runs           int     // runs that ran the group
	Flakes         int     // runs where it failed, then passed on a rerun
	Hard           int     // runs where it ended failed
	Rate           float64 // Flakes / Runs
	LastFlake      time.Time
	FirstFlake     time.Time
	FirstCommit    string // the commit of the first flake
	// MeanAttempts is how many attempts the runs that passed needed, on
	// average (1 when it never needed a rerun).
	MeanAttempts float64
	// TimeLost is the time of the attempts that failed in runs that then
	// passed: what reruns cost.
	TimeLost time.Duration
	// Streak counts the latest runs in a row that passed at the first
	// attempt (a quarantined group with a long streak may be released).
	Streak int
	// Recent are the latest runs' results, oldest first, at most 20:
	// pass, flaky or fail.
	Recent []string `json:",omitempty"`
}

// attempt is one row of the results table.
type attempt struct {
	outcome string
	ms      int64
}

// groupRun is one group in one run.
type groupRun struct {
	started  time.Time
	commit   string
	attempts []attempt
}

func failedOutcome(o string) bool { return o == "fail" || o == "crash" || o == "notrun" }

// Stats returns a Stat per group that ran at least minRuns times since
// the cutoff (zero: all history), ordered by flake rate, then flakes,
// then name.
func (h *DB) Stats(since time.Time, minRuns int) ([]Stat, error) {
	stats, err := h.query(`WHERE u.started >= ?`, since.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return nil, err
	}
	kept := stats[:0]
	for _, s := range stats {
		if s.Runs >= minRuns {
			kept = append(kept, s)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if a.Rate != b.Rate {
			return a.Rate > b.Rate
		}
		if a.Flakes != b.Flakes {
			return a.Flakes > b.Flakes
		}
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.Group < b.Group
	})
	return kept, nil
}

// Group returns the Stat of one group over all its history (zero Runs
// when it has none).
func (h *DB) Group(pkg, grp string) (Stat, error) {
	stats, err := h.query(`WHERE r.package = ? AND r.grp = ?`, pkg, grp)
	if err != nil || len(stats) == 0 {
		return Stat{Package: pkg, Group: grp}, err
	}
	return stats[0], nil
}

// query sums up the groups of the results the where clause selects.
func (h *DB) query(where string, args ...any) ([]Stat, error) {
	ctx, cancel := h.ctx()
	defer cancel()
	rows, err := h.db.QueryContext(ctx, h.q(`SELECT r.package, r.grp, r.run_id, u.started, u.commit_, r.outcome, r.duration_ms
		FROM results r JOIN runs u ON u.id = r.run_id `+where+` AND u.interrupted = 0
		ORDER BY r.package, r.grp, u.started, r.run_id, r.attempt`), args...)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var stats []Stat
	var pkg, grp string
	var runs []groupRun
	var lastID int64 = -1
	flush := func() {
		if len(runs) > 0 {
			stats = append(stats, stat(pkg, grp, runs))
		}
		runs, lastID = runs[:0], -1
	}
	for rows.Next() {
		var p, g, started, commit, outcome string
		var id, ms int64
		if err := rows.Scan(&p, &g, &id, &started, &commit, &outcome, &ms); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		if p != pkg || g != grp {
			flush()
			pkg, grp = p, g
		}
		if id != lastID {
			t, _ := time.Parse(time.RFC3339Nano, started)
			runs = append(runs, groupRun{started: t, commit: commit})
			lastID = id
		}
		r := &runs[len(runs)-1]
		r.attempts = append(r.attempts, attempt{outcome, ms})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	flush()
	return stats, nil
}

// stat sums up a group's runs, oldest first.
func stat(pkg, grp string, runs []groupRun) Stat {
	s := Stat{Package: pkg, Group: grp, Runs: len(runs)}
	passedRuns, passedAttempts := 0, 0
	for _, r := range runs {
		final := r.attempts[len(r.attempts)-1].outcome
		if failedOutcome(final) {
			s.Hard++
			continue
		}
		passedRuns++
		passedAttempts += len(r.attempts)
		if len(r.attempts) == 1 {
			continue
		}
		flaked := false
		for _, a := range r.attempts[:len(r.attempts)-1] {
			if failedOutcome(a.outcome) {
				flaked = true
				s.TimeLost += time.Duration(a.ms) * time.Millisecond
			}
		}
		if flaked {
			s.Flakes++
			if s.FirstFlake.IsZero() {
				s.FirstFlake, s.FirstCommit = r.started, r.commit
			}
			s.LastFlake = r.started
		}
	}
	for _, r := range runs[max(len(runs)-20, 0):] {
		final := r.attempts[len(r.attempts)-1].outcome
		switch {
		case failedOutcome(final):
			s.Recent = append(s.Recent, "fail")
		case len(r.attempts) > 1:
			s.Recent = append(s.Recent, "flaky")
		default:
			s.Recent = append(s.Recent, "pass")
		}
	}
	for i := len(runs) - 1; i >= 0; i-- {
		a := runs[i].attempts
		if len(a) != 1 || failedOutcome(a[0].outcome) {
			break
		}
		s.Streak++
	}
	if passedRuns > 0 {
		s.MeanAttempts = float64(passedAttempts) / float64(passedRuns)
	}
	s.Rate = float64(s.Flakes) / float64(s.Runs)
	return s
}

// Durations returns each group's typical time, by deal.Key ("package
// Group"): the median of its latest five first attempts, for balancing
// workers and shards.
func (h *DB) Durations() (map[string]time.Duration, error) {
	ctx, cancel := h.ctx()
	defer cancel()
	rows, err := h.db.QueryContext(ctx, `SELECT r.package, r.grp, r.duration_ms
		FROM results r JOIN runs u ON u.id = r.run_id
		WHERE u.interrupted = 0 AND r.attempt = (SELECT min(attempt) FROM results x WHERE x.run_id = r.run_id AND x.package = r.package AND x.grp = r.grp)
		ORDER BY r.package, r.grp, u.started DESC`)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	times := map[string][]int64{}
	for rows.Next() {
		var pkg, grp string
		var ms int64
		if err := rows.Scan(&pkg, &grp, &ms); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		key := pkg + " " + grp
		if len(times[key]) < 5 {
			times[key] = append(times[key], ms)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	out := make(map[string]time.Duration, len(times))
	for key, ts := range times {
		sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
		out[key] = time.Duration(ts[len(ts)/2]) * time.Millisecond
	}
	return out, nil
}

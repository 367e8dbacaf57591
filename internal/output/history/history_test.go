package history

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/testutil/pgtest"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
)

func report(t testing.TB, attempts ...string) *grouping.Report {
	t.Helper()
	r := &grouping.Report{}
	for i, src := range attempts {
		r.Add(streamtest.Attempt(t, i+1, src, grouping.Options{}, nil))
	}
	return r
}

func TestStats(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		db := openStore(t, loc)
		start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		// m/p TestF: flaky in runs 1 and 3, fails for good in run 4, passes at once in runs 2, 5, 6.
		runs := [][]string{
			{"flaky-attempt1.jsonl", "flaky-attempt2.jsonl"},
			{"flaky-attempt2.jsonl"},
			{"flaky-attempt1.jsonl", "flaky-attempt2.jsonl"},
			{"flaky-attempt1.jsonl", "flaky-attempt1.jsonl"},
			{"flaky-attempt2.jsonl"},
			{"flaky-attempt2.jsonl"},
		}
		for i, r := range runs {
			if err := db.Record(Run{Started: start.Add(time.Duration(i) * time.Hour), Commit: fmt.Sprintf("c%d", i)}, report(t, r...)); err != nil {
				t.Fatal(err)
			}
		}
		stats, err := db.Stats(time.Time{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		var f Stat
		for _, s := range stats {
			if s.Group == "TestF" {
				f = s
			}
		}
		if f.Runs != 6 || f.Flakes != 2 || f.Hard != 1 || f.Streak != 2 || f.FirstCommit != "c0" ||
			!f.FirstFlake.Equal(start) || !f.LastFlake.Equal(start.Add(2*time.Hour)) {
			t.Errorf("TestF: %+v", f)
		}
		if want := (2.0 + 1 + 2 + 1 + 1) / 5; f.MeanAttempts != want {
			t.Errorf("mean attempts %v, want %v", f.MeanAttempts, want)
		}
		if f.Rate != 2.0/6 {
			t.Errorf("rate %v", f.Rate)
		}
		if stats, _ := db.Stats(start.Add(150*time.Minute), 1); len(stats) == 0 || stats[0].Runs != 3 {
			t.Errorf("since: %+v", stats)
		}
		if stats, _ := db.Stats(time.Time{}, 7); len(stats) != 0 {
			t.Errorf("min runs: %+v", stats)
		}
		g, err := db.Group("m/p", "TestF")
		if err != nil || g.Flakes != 2 {
			t.Errorf("Group = %+v, %v", g, err)
		}
		if n, err := db.Prune(start.Add(3 * time.Hour)); err != nil || n != 3 {
			t.Errorf("Prune = %d, %v; want 3", n, err)
		}
		if g, _ := db.Group("m/p", "TestF"); g.Runs != 3 {
			t.Errorf("after prune: %d runs", g.Runs)
		}
	})
}

func TestImportTwiceIsANoOp(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		db := openStore(t, loc)
		r := report(t, "ok.jsonl")
		if err := db.Record(Run{Started: time.Now(), Source: "sha"}, r); err != nil {
			t.Fatal(err)
		}
		if err := db.Record(Run{Started: time.Now(), Source: "sha"}, r); err != ErrAlreadyImported {
			t.Errorf("second import: %v", err)
		}
		if g, _ := db.Group("example.com/shapes/ok", "TestFail"); g.Runs != 1 || g.Hard != 1 {
			t.Errorf("TestFail: %+v", g)
		}
	})
}

func TestConcurrentRunsLoseNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		path := loc
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := Open(path)
				if err != nil {
					t.Error(err)
					return
				}
				defer db.Close()
				for i := range 10 {
					if err := db.Record(Run{Started: time.Now(), Commit: fmt.Sprint(w, i)}, report(t, "ok.jsonl")); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		db, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if g, _ := db.Group("example.com/shapes/ok", "TestPass"); g.Runs != 40 {
			t.Errorf("%d runs recorded, want 40", g.Runs)
		}
	})
}

func TestHundredThousandRowsStaySmall(t *testing.T) {
	var b strings.Builder
	for i := range 25000 {
		fmt.Fprintf(&b, `{"Action":"run","Package":"example.com/svc/pkg%d","Test":"TestHandler%d_Case"}`+"\n", i%50, i)
		fmt.Fprintf(&b, `{"Action":"pass","Package":"example.com/svc/pkg%d","Test":"TestHandler%d_Case","Elapsed":0.12}`+"\n", i%50, i)
	}
	r := report(t, b.String())
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 { // 4 runs × 25,000 groups
		if err := db.Record(Run{Started: time.Now(), Module: "example.com/svc", Commit: fmt.Sprintf("%040d", i), Branch: "main"}, r); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 20<<20 {
		t.Errorf("100,000 rows take %d MB, want at most 20", st.Size()>>20)
	}
	t.Logf("100,000 group-attempt rows: %.1f MB", float64(st.Size())/(1<<20))
}

func TestNewerSchemaIsRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		path := loc
		db, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		setVersion(t, db, 99)
		db.Close()
		if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "newer gorerun") {
			t.Errorf("Open of a newer schema: %v", err)
		}
	})
}

func TestDurationsAreTheMedianOfTheLatestFirstAttempts(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		db := openStore(t, loc)
		start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		for i, ms := range []int{900, 100, 300, 200, 500, 400} { // oldest first
			src := fmt.Sprintf(`{"Action":"run","Package":"m/p","Test":"TestA"}
{"Action":"pass","Package":"m/p","Test":"TestA","Elapsed":%g}
`, float64(ms)/1000)
			if err := db.Record(Run{Started: start.Add(time.Duration(i) * time.Hour)}, report(t, src)); err != nil {
				t.Fatal(err)
			}
		}
		d, err := db.Durations()
		if err != nil {
			t.Fatal(err)
		}
		// The latest five: 100, 300, 200, 500, 400 → median 300ms.
		if got := d["m/p TestA"]; got != 300*time.Millisecond {
			t.Errorf("duration %v, want 300ms (%v)", got, d)
		}
	})
}

// TestOddDirectoryNames: a path with '#', '%' or '?' (a CI workspace
// called ws_feature%2Fbar) is the file written, not a URI's cut of it.
func TestOddDirectoryNames(t *testing.T) {
	for _, name := range []string{"hp#1", "ws_feature%2Fbar", "what?x=1", "a b"} {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			path := filepath.Join(base, name, ".gorerun", "history.db")
			db, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Record(Run{Started: time.Now()}, report(t, "flaky-attempt2.jsonl")); err != nil {
				t.Fatal(err)
			}
			db.Close()
			if st, err := os.Stat(path); err != nil || st.Size() == 0 {
				t.Fatalf("%s not written: %v", path, err)
			}
			var found []string
			filepath.Walk(base, func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() && !strings.HasPrefix(p, filepath.Dir(path)) {
					found = append(found, p)
				}
				return nil
			})
			if len(found) > 0 {
				t.Errorf("files written elsewhere: %v", found)
			}
		})
	}
}

// TestReadingDoesNotWaitForAWriter: another run holding the write lock
// does not keep a reader (--quarantine-auto, the HTML report's rates)
// waiting or failing.
func TestReadingDoesNotWaitForAWriter(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		path := loc
		writer, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer writer.Close()
		if err := writer.Record(Run{Started: time.Now()}, report(t, "flaky-attempt1.jsonl", "flaky-attempt2.jsonl")); err != nil {
			t.Fatal(err)
		}
		tx, err := writer.db.Begin() // BEGIN IMMEDIATE: the write lock, held
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(`DELETE FROM results`); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		reader, err := Open(path)
		if err != nil {
			t.Fatalf("opening while another run writes: %v (after %v)", err, time.Since(start))
		}
		defer reader.Close()
		stats, err := reader.Stats(time.Time{}, 1)
		if err != nil || len(stats) == 0 {
			t.Fatalf("Stats = %v, %v (after %v)", stats, err, time.Since(start))
		}
	})
}

// TestInterruptedRunsDoNotCount: a run that was interrupted is recorded
// but counts neither as a flake nor as a failure, nor in durations.
func TestInterruptedRunsDoNotCount(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		db := openStore(t, loc)
		start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		if err := db.Record(Run{Started: start}, report(t, "flaky-attempt1.jsonl", "flaky-attempt2.jsonl")); err != nil {
			t.Fatal(err)
		}
		for i := range 3 { // failed, flaky: but interrupted
			r := report(t, "flaky-attempt1.jsonl", "flaky-attempt2.jsonl")
			if i == 0 {
				r = report(t, "flaky-attempt1.jsonl")
			}
			if err := db.Record(Run{Started: start.Add(time.Duration(i+1) * time.Hour), Interrupted: true}, r); err != nil {
				t.Fatal(err)
			}
		}
		f, err := db.Group("m/p", "TestF")
		if err != nil {
			t.Fatal(err)
		}
		if f.Runs != 1 || f.Flakes != 1 || f.Hard != 0 {
			t.Errorf("TestF counts interrupted runs: %+v", f)
		}
		var n int
		if err := db.db.QueryRow(`SELECT count(*) FROM runs WHERE interrupted = 1`).Scan(&n); err != nil || n != 3 {
			t.Errorf("interrupted runs recorded: %d, %v; want 3", n, err)
		}
	})
}

// TestAttemptNumbersAreStored: each attempt of a group is stored under its
// own number, read back as written.
func TestAttemptNumbersAreStored(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		db := openStore(t, loc)
		if err := db.Record(Run{Started: time.Now()}, report(t, "flaky-attempt1.jsonl", "flaky-attempt1.jsonl", "flaky-attempt2.jsonl")); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, row := range rowsOf(t, db, `SELECT attempt, outcome FROM results WHERE grp = 'TestF' ORDER BY attempt`) {
			got = append(got, strings.Join(row, ":"))
		}
		if want := "1:fail 2:fail 3:pass"; strings.Join(got, " ") != want {
			t.Errorf("stored attempts %v, want %s", got, want)
		}
	})
}

// TestStatsListFlakiestFirst: groups come in order of flake rate, the
// highest first, whatever their names.
func TestStatsListFlakiestFirst(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		db := openStore(t, loc)
		// m/p TestF flakes in 3 of 4 runs; m/a TestF (a name sorting first)
		// in 1 of 4.
		other := func(src string) string {
			return strings.ReplaceAll(streamtest.Source(t, src), `"m/p"`, `"m/a"`)
		}
		for i := range 4 {
			p := report(t, "flaky-attempt1.jsonl", "flaky-attempt2.jsonl")
			if i == 3 {
				p = report(t, "flaky-attempt2.jsonl")
			}
			a := report(t, other("flaky-attempt2.jsonl"))
			if i == 0 {
				a = report(t, other("flaky-attempt1.jsonl"), other("flaky-attempt2.jsonl"))
			}
			for _, r := range []*grouping.Report{p, a} {
				if err := db.Record(Run{Started: time.Now()}, r); err != nil {
					t.Fatal(err)
				}
			}
		}
		stats, err := db.Stats(time.Time{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, s := range stats {
			if s.Group == "TestF" {
				order = append(order, fmt.Sprintf("%s %.2f", s.Package, s.Rate))
			}
		}
		if want := "m/p 0.75,m/a 0.25"; strings.Join(order, ",") != want {
			t.Errorf("order %v, want %s", order, want)
		}
	})
}

// pg is the PostgreSQL server of this test binary, started by the first
// test that needs it (skipped without one, outside CI).
var pg pgtest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

// forEachStore runs test against an empty history in each store: an
// SQLite file and a PostgreSQL database. The stores share every query, and
// these tests keep them so.
func forEachStore(t *testing.T, test func(t *testing.T, location string)) {
	t.Helper()
	for _, store := range []struct {
		name string
		new  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "h.db") }},
		{"postgres", func(t *testing.T) string { return pg.DB(t) }},
	} {
		t.Run(store.name, func(t *testing.T) { test(t, store.new(t)) })
	}
}

// openStore opens the history at location, closed at the test's end.
func openStore(t *testing.T, location string) *DB {
	t.Helper()
	db, err := Open(location)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// setVersion sets the schema version a database says it has.
func setVersion(t *testing.T, db *DB, v int) {
	t.Helper()
	query := fmt.Sprintf(`PRAGMA user_version = %d`, v)
	if db.pg {
		query = fmt.Sprintf(`UPDATE gorerun_schema SET version = %d`, v)
	}
	if _, err := db.db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

func TestEveryAttemptsSeedIsRecorded(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		db := openStore(t, loc)
		attempt := func(seed, result string) string {
			return `{"Action":"output","Package":"m/s","Output":"-test.shuffle ` + seed + `\n"}
{"Action":"run","Package":"m/s","Test":"TestB"}
{"Action":"` + result + `","Package":"m/s","Test":"TestB","Elapsed":0}
{"Action":"` + result + `","Package":"m/s","Elapsed":0}
`
		}
		if err := db.Record(Run{Started: time.Now()}, report(t, attempt("11", "fail"), attempt("22", "pass"))); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, row := range rowsOf(t, db, `SELECT attempt, outcome, shuffle FROM results ORDER BY attempt`) {
			got = append(got, strings.Join(row, " "))
		}
		if want := "[1 fail 11 2 pass 22]"; fmt.Sprint(got) != want {
			t.Errorf("results %v, want %s", got, want)
		}
	})
}

// rowsOf runs query on db's store and returns its rows, each column as
// text.
func rowsOf(t *testing.T, db *DB, query string) [][]string {
	t.Helper()
	rows, err := db.db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		row := make([]string, len(cols))
		dest := make([]any, len(cols))
		for i := range row {
			dest[i] = &row[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

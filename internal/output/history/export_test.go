package history

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorerun/gorerun/internal/testutil/pgtest"
)

// TestPushSendsEveryRunOnce: a local history pushed to each store arrives
// whole, and pushing it again sends nothing; the export of both lists the
// same rows.
func TestPushSendsEveryRunOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		local := openStore(t, filepath.Join(t.TempDir(), "local.db"))
		start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		for i, run := range []Run{{Started: start, Commit: "a"}, {Started: start.Add(time.Hour), Commit: "b", Source: "sha-of-a-report"},
			{Started: start.Add(2 * time.Hour), Commit: "c", Interrupted: true}} {
			r := report(t, "flaky-attempt1.jsonl", "flaky-attempt2.jsonl")
			if i == 1 {
				r = report(t, "ok.jsonl")
			}
			if err := local.Record(run, r); err != nil {
				t.Fatal(err)
			}
		}
		shared := openStore(t, loc)
		for i, want := range [][2]int{{3, 0}, {0, 3}} {
			pushed, known, err := local.Push(shared)
			if err != nil || pushed != want[0] || known != want[1] {
				t.Fatalf("push %d: %d pushed, %d known, %v; want %v", i+1, pushed, known, err, want)
			}
		}
		export := func(db *DB) []Row {
			var rows []Row
			if err := db.rows(func(r Row) error { r.Run, r.Source = 0, ""; rows = append(rows, r); return nil }); err != nil {
				t.Fatal(err)
			}
			return rows
		}
		got, want := export(shared), export(local)
		if len(got) == 0 || len(got) != len(want) {
			t.Fatalf("%d rows pushed, %d local", len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("row %d: pushed %+v, local %+v", i, got[i], want[i])
			}
		}
	})
}

func TestExportFormats(t *testing.T) {
	forEachStore(t, func(t *testing.T, loc string) {
		db := openStore(t, loc)
		if err := db.Record(Run{Started: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Module: "m", Commit: "c1", Branch: "main"},
			report(t, "flaky-attempt1.jsonl", "flaky-attempt2.jsonl")); err != nil {
			t.Fatal(err)
		}
		var c bytes.Buffer
		if err := db.Export(&c, "csv"); err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(&c).ReadAll()
		if err != nil || len(records) < 3 {
			t.Fatalf("csv: %v, %d records", err, len(records))
		}
		if got := strings.Join(records[0], ","); got != "run,started,module,commit,branch,source,interrupted,package,group,attempt,outcome,duration_ms,failure,shuffle" {
			t.Errorf("csv header %s", got)
		}
		var j bytes.Buffer
		if err := db.Export(&j, "jsonl"); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(j.String()), "\n")
		if len(lines) != len(records)-1 {
			t.Errorf("%d JSON lines, %d CSV rows", len(lines), len(records)-1)
		}
		var first Row
		if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.Module != "m" || first.Branch != "main" || first.Attempt != 1 {
			t.Errorf("first row %+v, %v", first, err)
		}
		if err := db.Export(&j, "xml"); err == nil {
			t.Error("export as xml: no error")
		}
	})
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://ci:s3cret@db.example:5432/flakes?sslmode=require": "postgres://ci:xxxxx@db.example:5432/flakes?sslmode=require",
		"postgresql://ci@db/flakes":                                   "postgresql://ci@db/flakes",
		"postgres://db/flakes?user=ci&password=s3cret":                "postgres://db/flakes?password=xxxxx&user=ci",
		".gorerun/history.db":                                         ".gorerun/history.db",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	got := strings.Join(RedactArgs([]string{"--history", "postgres://u:pw@h/db", "--history=postgres://u:pw@h/db", "./...", "--", "-run=a=b"}), " ")
	if want := "--history postgres://u:xxxxx@h/db --history=postgres://u:xxxxx@h/db ./... -- -run=a=b"; got != want {
		t.Errorf("RedactArgs = %q, want %q", got, want)
	}
}

// TestSilentServerCostsABoundedWait: a server that takes the connection
// and never answers (a firewall, a hung database) is given up on after
// the connect timeout, with an error that names the history without its
// password.
func TestSilentServerCostsABoundedWait(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	held := make(chan net.Conn, 16)
	defer func() {
		l.Close()
		for c := range held {
			c.Close()
		}
	}()
	go func() {
		defer close(held)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held <- c // never answered
		}
	}()
	url := fmt.Sprintf("postgres://ci:s3cret@%s/flakes?sslmode=disable&connect_timeout=1", l.Addr())
	done := make(chan error, 1)
	go func() {
		db, err := Open(url)
		if err == nil {
			db.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "postgres://ci:xxxxx@") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open of a silent server: %v", err)
		}
	case <-time.After(2 * time.Minute): // far beyond the 1 s asked for: it hangs
		t.Fatal("Open of a silent server did not give up")
	}
}

// TestRefusedOrGoneServer: a database the server refuses (it does not
// exist) and a server gone after the history was opened both end in an
// error, not a hang, naming the history without its password.
func TestRefusedOrGoneServer(t *testing.T) {
	srv := pg.Get(t)
	if _, err := Open(strings.Replace(srv.URL("no_such_db"), "gorerun@", "gorerun:s3cret@", 1)); err == nil ||
		!strings.Contains(err.Error(), "gorerun:xxxxx@") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open of a database that does not exist: %v", err)
	}
	own, err := pgtest.Start() // a server of its own, to stop mid-run
	if err != nil {
		t.Fatalf("starting PostgreSQL: %v", err)
	}
	defer own.Stop()
	url, err := own.CreateDB("gone")
	if err != nil {
		t.Fatal(err)
	}
	db := openStore(t, url)
	if err := db.Record(Run{Started: time.Now()}, report(t, "ok.jsonl")); err != nil {
		t.Fatal(err)
	}
	own.Stop()
	if err := db.Record(Run{Started: time.Now()}, report(t, "ok.jsonl")); err == nil {
		t.Error("Record with the server gone: no error")
	}
	if _, err := db.Stats(time.Time{}, 1); err == nil {
		t.Error("Stats with the server gone: no error")
	}
}

// Command historyload is scripts/history-load.sh's load test of the
// shared history: a PostgreSQL server of its own (internal/testutil/
// pgtest, with fsync and synchronous commits unless -fast), W writers each with its own connection pool, as W CI machines,
// each recording R runs of G groups (one in ten flaky: two attempts). It
// prints the rows written per second and checks that nothing was lost:
// every run, every row, every flake counted.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/output/history"
	"github.com/gorerun/gorerun/internal/testutil/pgtest"
	"github.com/gorerun/gorerun/testjson"
)

func main() {
	writers := flag.Int("writers", 32, "concurrent writers (machines)")
	runs := flag.Int("runs", 50, "runs per writer")
	groups := flag.Int("groups", 200, "groups per run")
	fast := flag.Bool("fast", false, "run the server without fsync and synchronous commits (as the tests do)")
	flag.Parse()
	if err := load(*writers, *runs, *groups, *fast); err != nil {
		fmt.Fprintln(os.Stderr, "historyload:", err)
		os.Exit(1)
	}
}

func load(writers, runs, groups int, fast bool) error {
	start := pgtest.StartDurable
	if fast {
		start = pgtest.Start
	}
	srv, err := start()
	if err != nil {
		return err
	}
	defer srv.Stop()
	url, err := srv.CreateDB("load")
	if err != nil {
		return err
	}
	report, rows, err := synthetic(groups)
	if err != nil {
		return err
	}
	// Migrate once before the clock starts, as a fleet's first run does.
	db, err := history.Open(url)
	if err != nil {
		return err
	}
	db.Close()
	began := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := history.Open(url)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			for i := range runs {
				if err := db.Record(history.Run{Started: time.Now(), Module: "example.com/load", Commit: fmt.Sprintf("w%d-r%d", w, i), Branch: "main"}, report); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	wall := time.Since(began)
	close(errs)
	for err := range errs {
		return err
	}
	db, err = history.Open(url)
	if err != nil {
		return err
	}
	defer db.Close()
	stats, err := db.Stats(time.Time{}, 1)
	if err != nil {
		return err
	}
	total := writers * runs
	lost := 0
	flaky := 0
	for _, s := range stats {
		if s.Runs != total {
			lost++
		}
		if s.Flakes == total {
			flaky++
		}
	}
	all := total * rows
	fmt.Printf("writers %d × runs %d × groups %d: %d runs, %d rows in %.1fs: %.0f rows/s, %.1f runs/s\n",
		writers, runs, groups, total, all, wall.Seconds(), float64(all)/wall.Seconds(), float64(total)/wall.Seconds())
	fmt.Printf("groups with every run counted: %d of %d; flaky groups with every flake counted: %d of %d\n",
		len(stats)-lost, groups, flaky, groups/10)
	if len(stats) != groups || lost > 0 || flaky != groups/10 {
		return fmt.Errorf("lost: %d groups in the history, %d without every run, %d of %d flaky groups complete", len(stats), lost, flaky, groups/10)
	}
	return nil
}

// synthetic is a report of one package of n groups, every tenth failing
// its first attempt and passing its second; rows is its row count.
func synthetic(n int) (*grouping.Report, int, error) {
	attempt := func(a int) (*grouping.Attempt, error) {
		var b strings.Builder
		for g := range n {
			if a == 2 && g%10 != 0 {
				continue
			}
			result := "pass"
			if a == 1 && g%10 == 0 {
				result = "fail"
			}
			fmt.Fprintf(&b, `{"Action":"run","Package":"example.com/load/p","Test":"TestGroup%03d"}`+"\n", g)
			fmt.Fprintf(&b, `{"Action":"%s","Package":"example.com/load/p","Test":"TestGroup%03d","Elapsed":0.01}`+"\n", result, g)
		}
		fmt.Fprintf(&b, `{"Action":"fail","Package":"example.com/load/p","Elapsed":1}`+"\n")
		tr := grouping.NewTracker(grouping.Options{Attempt: a})
		d := testjson.NewDecoder(strings.NewReader(b.String()))
		for d.Scan() {
			tr.Add(d.Event())
		}
		return tr.Finish(), d.Err()
	}
	r := &grouping.Report{}
	for a := 1; a <= 2; a++ {
		at, err := attempt(a)
		if err != nil {
			return nil, 0, err
		}
		r.Add(at)
	}
	return r, n + n/10, nil
}

package lastfailed

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/testjson"
)

// helperEnv makes the test binary act as a gorerun run that records one
// failing group in the cache directory named by the variable.
const helperEnv = "GORERUN_LASTFAILED_HELPER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(helperEnv); spec != "" {
		dir, pkg, _ := strings.Cut(spec, "|")
		if err := recordFailure(dir, pkg); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func recordFailure(dir, pkg string) error {
	tr := grouping.NewTracker(grouping.Options{Attempt: 1})
	d := testjson.NewDecoder(strings.NewReader(fmt.Sprintf(`{"Action":"run","Package":%[1]q,"Test":"TestX"}
{"Action":"fail","Package":%[1]q,"Test":"TestX"}
{"Action":"output","Package":%[1]q,"Output":"FAIL\n"}
{"Action":"fail","Package":%[1]q}
`, pkg)))
	for d.Scan() {
		tr.Add(d.Event())
	}
	r := &grouping.Report{}
	r.Add(tr.Finish())
	_, err := Cache{Dir: dir}.Update(r)
	return err
}

// TestConcurrentRunsLoseNothing runs 4 processes at once, 50 times, each
// recording a failure of its own package: every entry must survive.
func TestConcurrentRunsLoseNothing(t *testing.T) {
	const procs, rounds = 4, 50
	for round := range rounds {
		dir := t.TempDir()
		var wg sync.WaitGroup
		errs := make([]error, procs)
		for i := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|m/p%d", helperEnv, dir, i))
				if out, err := cmd.CombinedOutput(); err != nil {
					errs[i] = fmt.Errorf("%v: %s", err, out)
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		f, ok, err := Cache{Dir: dir}.Load()
		if err != nil || !ok || len(f) != procs {
			t.Fatalf("round %d: %d of %d entries kept (%v, %v): %v", round, len(f), procs, ok, err, f.Packages())
		}
	}
}

package session

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/cli"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/internal/output/terminal"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/testjson"
)

// bigStream is a package of 1,000 groups (every 7th fails in a subtest,
// every 11th is skipped, TestSlow0003 starts after 600 and ends last)
// interleaved with a small package.
func bigStream() string {
	var b strings.Builder
	ev := func(pkg, test, action, out string) {
		fmt.Fprintf(&b, `{"Action":%q,"Package":%q`, action, pkg)
		if test != "" {
			fmt.Fprintf(&b, `,"Test":%q`, test)
		}
		if out != "" {
			fmt.Fprintf(&b, `,"Output":%q`, out)
		}
		b.WriteString(",\"Elapsed\":0.001}\n")
	}
	for i := range 1000 {
		if i == 600 {
			ev("m/big", "TestSlow0003", "run", "")
		}
		name := fmt.Sprintf("TestCase%04d", i)
		ev("m/big", name, "run", "")
		switch {
		case i%7 == 0:
			ev("m/big", name+"/sub", "run", "")
			ev("m/big", name+"/sub", "output", "    big_test.go:9: broken\n")
			ev("m/big", name+"/sub", "fail", "")
			ev("m/big", name, "fail", "")
		case i%11 == 0:
			ev("m/big", name, "output", "    big_test.go:3: not today\n")
			ev("m/big", name, "skip", "")
		default:
			ev("m/big", name+"/a", "run", "")
			ev("m/big", name+"/a", "pass", "")
			ev("m/big", name, "pass", "")
		}
		if i%100 == 0 {
			ev("m/small", fmt.Sprintf("TestSmall%d", i), "run", "")
			ev("m/small", fmt.Sprintf("TestSmall%d", i), "pass", "")
		}
	}
	ev("m/big", "TestSlow0003", "pass", "")
	ev("m/big", "", "output", "FAIL\n")
	ev("m/big", "", "fail", "")
	ev("m/small", "", "output", "PASS\n")
	ev("m/small", "", "pass", "")
	return b.String()
}

// TestStreamedReportOfABigPackage: writing and dropping the groups of a
// running package as they end gives the report, byte for byte, that
// building it from the whole report gives.
func TestStreamedReportOfABigPackage(t *testing.T) {
	full := bigStream()
	lines := strings.SplitAfter(full, "\n")
	truncated := strings.Join(lines[:len(lines)-6], "") // m/big never ends
	for name, stream := range map[string]string{"whole": full, "truncated": truncated} {
		t.Run(name, func(t *testing.T) { checkStreamedReport(t, stream) })
	}
}

func checkStreamedReport(t *testing.T, stream string) {
	dir := t.TempDir()
	in := filepath.Join(dir, "big.jsonl")
	if err := os.WriteFile(in, []byte(stream), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	streamed := filepath.Join(dir, "streamed.xml")
	code, err := Run(context.Background(), Config{Input: in, JUnitFile: streamed, Terminal: terminal.Options{Format: "pkgname"},
		Stdout: &stdout, Stderr: io.Discard})
	if err != nil || code != cli.ExitFailed {
		t.Fatalf("Run = %d, %v", code, err)
	}
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	report, err := runner.Read(f, in, nopObserver{}, grouping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var whole bytes.Buffer
	if err := junitout.Encode(&whole, junitout.Build(report, junitout.Options{})); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(streamed)
	if err != nil {
		t.Fatal(err)
	}
	props := regexp.MustCompile(`(?s)<properties>.*?</properties>`)
	a, b := props.ReplaceAll(got, nil), props.ReplaceAll(whole.Bytes(), nil)
	if !bytes.Equal(a, b) {
		t.Errorf("streamed report differs from the whole one:\n%s\n---\n%s", a[:min(len(a), 2000)], b[:min(len(b), 2000)])
	}
	c := report.Counts()
	want := fmt.Sprintf("DONE %d tests, %d skipped, %d failures", c.Tests, c.Skipped, c.Failed)
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("terminal lacks %q:\n%s", want, stdout.String())
	}
}

type nopObserver struct{}

func (nopObserver) Event(int, *testjson.Event, []byte, *grouping.Package) {}
func (nopObserver) Round(grouping.PlanResult)                             {}
func (nopObserver) Refused(grouping.PlanResult, grouping.PlanOptions)     {}
func (nopObserver) Resumed(string, []string, int)                         {}

// prefixRecorder records the prefixes a run hands over.
type prefixRecorder struct {
	output.Hooks
	calls   []int // k of each call
	written []int // p.Written then: the groups kept in front by earlier drops
}

func (r *prefixRecorder) PrefixDone(p *grouping.Package, k int) {
	r.calls = append(r.calls, k)
	r.written = append(r.written, p.Written)
}
func (r *prefixRecorder) Finish(output.Result) error { return nil }

func TestGroupsOfARunningPackageAreDropped(t *testing.T) {
	rec := &prefixRecorder{}
	obs := newStreamed(output.List{rec}, true, nil)
	defer obs.stop()
	report, err := runner.Read(strings.NewReader(bigStream()), "big", obs, grouping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Every 256 newly ended leading groups are handed over and those that
	// passed dropped: after the first 256, the 57 that failed or skipped
	// (1 in 7, 1 in 11) stay in front. TestSlow0003 (started at 600,
	// ended last) then blocks the prefix until it ends: a long group
	// early in a package delays dropping, as t.Parallel top-level tests do.
	if fmt.Sprint(rec.calls) != "[256 313 603]" || fmt.Sprint(rec.written) != "[0 57 114]" {
		t.Errorf("PrefixDone at k %v with %v written before", rec.calls, rec.written)
	}
	c := report.Counts()
	if c.Tests != 1933 || c.Groups != 1011 || c.Skipped != 78 || c.Failed != 286 {
		t.Errorf("counts after dropping %+v", c)
	}
}

package reportfile

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/testjson"
)

// readBack turns a report into events and tracks them per "Attempt" tag.
func readBack(t *testing.T, report string) *grouping.Report {
	t.Helper()
	suites, err := junitout.ReadSuites([]byte(report))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := writeEvents(&b, suites); err != nil {
		t.Fatal(err)
	}
	trackers := map[int]*grouping.Tracker{}
	d := testjson.NewDecoder(&b)
	for d.Scan() {
		ev := d.Event()
		if trackers[ev.Attempt] == nil {
			trackers[ev.Attempt] = grouping.NewTracker(grouping.Options{Attempt: ev.Attempt})
		}
		trackers[ev.Attempt].Add(ev)
	}
	r := &grouping.Report{}
	for n := 1; trackers[n] != nil; n++ {
		r.Add(trackers[n].Finish())
	}
	return r
}

func TestWriteEventsRoundTripsGorerunsReport(t *testing.T) {
	r := &grouping.Report{}
	r.Add(streamtest.Attempt(t, 1, "flaky-attempt1.jsonl", grouping.Options{}, nil))
	r.Add(streamtest.Attempt(t, 2, "flaky-attempt2.jsonl", grouping.Options{}, nil))
	var xml bytes.Buffer
	if err := junitout.Encode(&xml, junitout.Build(r, junitout.Options{})); err != nil {
		t.Fatal(err)
	}
	back := readBack(t, xml.String())
	if c, want := back.Counts(), r.Counts(); c.Tests != want.Tests || c.FlakyGroups != 1 || c.Runs != 2 || c.Failed != 0 {
		t.Errorf("read back %+v, want %+v", c, want)
	}
	h := back.Packages()[0].Groups[0]
	if h.Runs[0].Status() != grouping.Fail || h.Runs[1].Status() != grouping.Pass {
		t.Errorf("attempts %v %v, want fail then pass", h.Runs[0].Status(), h.Runs[1].Status())
	}
}

func TestWriteEventsReadsGotestsumReruns(t *testing.T) {
	// gotestsum writes one testcase per attempt; a crash is an error.
	report := `<testsuites><testsuite name="m/p" tests="4" failures="1" errors="1" time="1">
<testcase classname="m/p" name="TestA" time="0.1"><failure message="Failed" type="">boom</failure></testcase>
<testcase classname="m/p" name="TestA" time="0.2"></testcase>
<testcase classname="m/p" name="TestB" time="0.3"></testcase>
<testcase classname="m/p" name="TestC" time="0"><error message="panic" type="crash">panic: oops</error></testcase>
</testsuite></testsuites>`
	back := readBack(t, report)
	if len(back.Attempts) != 2 {
		t.Fatalf("%d attempts, want 2", len(back.Attempts))
	}
	status := map[string]grouping.Status{}
	flaky := map[string]bool{}
	for _, h := range back.Packages()[0].Groups {
		status[h.Name], flaky[h.Name] = h.Status(), h.Flaky()
	}
	if !flaky["TestA"] || status["TestB"] != grouping.Pass || status["TestC"] != grouping.Error {
		t.Errorf("statuses %v, flaky %v: want TestA flaky, TestB passed, TestC crashed", status, flaky)
	}
}

func TestWriteEventsKeepsGroupClassnames(t *testing.T) {
	report := `<testsuites><testsuite name="m/p" tests="2" failures="1" errors="0" time="1">
<testcase classname="m/p.TestG" name="TestG" time="0.1"><failure message="x" type="failure">x</failure></testcase>
<testcase classname="m/p.TestG" name="step" time="0.1"><failure message="x" type="failure">    g_test.go:3: x</failure></testcase>
</testsuite></testsuites>`
	back := readBack(t, report)
	g := back.Packages()[0].Groups
	if len(g) != 1 || g[0].Name != "TestG" || len(g[0].Final().Tests) != 2 || !strings.HasSuffix(g[0].Final().Tests[1].Name, "TestG/step") {
		t.Errorf("groups %+v", g)
	}
}

func TestReadBackEvidenceOfEachAttempt(t *testing.T) {
	r := readBack(t, `<testsuites><testsuite name="m/e" tests="1" failures="0" errors="0">
<properties><property name="gorerun.shuffle.attempt1" value="111"/><property name="gorerun.shuffle.attempt2" value="222"/></properties>
<testcase name="TestShot" classname="m/e" time="0.1">
<flakyFailure message="boom" type="failure"><stackTrace>boom</stackTrace><system-out>=== ATTR  TestShot attempt 1 of 2
[[ATTACHMENT|/art/1/shot.png]]
</system-out></flakyFailure>
<system-out>=== ATTR  TestShot attempt 2 of 2
=== ATTR  TestShot owner payments team
[[ATTACHMENT|/art/2/shot.png]]
[[ATTACHMENT|/art/2/log.txt]]
reproduce: GORERUN_ATTEMPT=1 go test -count=1 -run '^TestShot$' ./e
</system-out></testcase></testsuite></testsuites>`)
	h := r.Packages()[0].Groups[0]
	if len(h.Runs) != 2 {
		t.Fatalf("%d attempts, want 2", len(h.Runs))
	}
	for i, want := range []struct {
		attrs     []grouping.Attr
		artifacts []string
	}{
		{[]grouping.Attr{{Key: "attempt", Value: "1 of 2"}}, []string{"/art/1/shot.png"}},
		{[]grouping.Attr{{Key: "attempt", Value: "2 of 2"}, {Key: "owner", Value: "payments team"}}, []string{"/art/2/shot.png", "/art/2/log.txt"}},
	} {
		if seed := r.Packages()[0].Seed(i + 1); seed != fmt.Sprint(111*(i+1)) {
			t.Errorf("attempt %d: shuffle seed %q", i+1, seed)
		}
		got := h.Runs[i].Top().Evidence
		if got == nil || !reflect.DeepEqual(got.Attrs, want.attrs) || !reflect.DeepEqual(got.Artifacts, want.artifacts) {
			t.Errorf("attempt %d: evidence %+v; want %v, %v", i+1, got, want.attrs, want.artifacts)
		}
	}
}

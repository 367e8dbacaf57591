package terminal

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
)

// wideGroup is a stream of one failing group with n passing subtests
// (each with a subtest of its own) and one failing one.
func wideGroup(n int) string {
	var b strings.Builder
	ev := func(action, test, output string) {
		fmt.Fprintf(&b, `{"Action":%q,"Package":"m/w","Test":%q,"Output":%q}`+"\n", action, test, output)
	}
	fmt.Fprintln(&b, `{"Action":"start","Package":"m/w"}`)
	ev("run", "TestWide", "")
	for i := range n {
		name := fmt.Sprintf("TestWide/case_%05d", i)
		ev("run", name, "")
		ev("run", name+"/inner", "")
		ev("pass", name+"/inner", "")
		ev("pass", name, "")
	}
	ev("run", "TestWide/broken", "")
	ev("output", "TestWide/broken", "    w_test.go:9: broken\n")
	ev("output", "TestWide/broken", "    --- FAIL: TestWide/broken (0.00s)\n")
	ev("fail", "TestWide/broken", "")
	ev("output", "TestWide", "--- FAIL: TestWide (0.00s)\n")
	ev("fail", "TestWide", "")
	fmt.Fprintln(&b, `{"Action":"fail","Package":"m/w"}`)
	return b.String()
}

// summarize prints the summary of one attempt of src.
func summarize(tb testing.TB, src string) string {
	tb.Helper()
	var out bytes.Buffer
	term := NewTerminal(&out, Options{})
	report := &grouping.Report{}
	report.Add(streamtest.Attempt(tb, 1, src, grouping.Options{}, nil))
	term.Summary(report, time.Second)
	return out.String()
}

// TestWideGroupSummary: the failing subtest of a group of thousands shows
// with its output under its parent, once.
func TestWideGroupSummary(t *testing.T) {
	out := summarize(t, wideGroup(2000))
	if n := strings.Count(out, "w_test.go:9: broken"); n != 1 {
		t.Errorf("the failure's output shows %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, "=== FAIL: w TestWide") && !strings.Contains(out, "=== FAIL: m/w TestWide") {
		t.Errorf("no failed group:\n%s", out)
	}
}

// BenchmarkWideGroupSummary is the summary of a failing group with 20,000
// passing subtests: linear in the subtests (the lookup of each test's
// subtests among all of them made it 34 s).
func BenchmarkWideGroupSummary(b *testing.B) {
	src := wideGroup(20000)
	for b.Loop() {
		summarize(b, src)
	}
}

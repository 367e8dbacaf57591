package grouping

import (
	"strings"
	"testing"
)

// oldGoParent is how go before 1.20 recorded a parent that logs after its
// subtest: test2json gave the parent's lines to the subtest, whose pass
// event comes after them.
const oldGoParent = `{"Action":"run","Package":"m/p","Test":"TestParent"}
{"Action":"output","Package":"m/p","Test":"TestParent","Output":"=== RUN   TestParent\n"}
{"Action":"run","Package":"m/p","Test":"TestParent/child"}
{"Action":"output","Package":"m/p","Test":"TestParent/child","Output":"=== RUN   TestParent/child\n"}
{"Action":"output","Package":"m/p","Test":"TestParent","Output":"--- FAIL: TestParent (0.00s)\n"}
{"Action":"output","Package":"m/p","Test":"TestParent/child","Output":"    --- PASS: TestParent/child (0.00s)\n"}
{"Action":"output","Package":"m/p","Test":"TestParent/child","Output":"    p_test.go:12: the parent's reason\n"}
{"Action":"pass","Package":"m/p","Test":"TestParent/child"}
{"Action":"fail","Package":"m/p","Test":"TestParent"}
{"Action":"run","Package":"m/p","Test":"TestOK"}
{"Action":"run","Package":"m/p","Test":"TestOK/child"}
{"Action":"output","Package":"m/p","Test":"TestOK/child","Output":"    p_test.go:20: chatter\n"}
{"Action":"pass","Package":"m/p","Test":"TestOK/child"}
{"Action":"pass","Package":"m/p","Test":"TestOK"}
{"Action":"run","Package":"m/p","Test":"TestSub"}
{"Action":"run","Package":"m/p","Test":"TestSub/ok"}
{"Action":"output","Package":"m/p","Test":"TestSub/ok","Output":"    p_test.go:30: chatter\n"}
{"Action":"pass","Package":"m/p","Test":"TestSub/ok"}
{"Action":"run","Package":"m/p","Test":"TestSub/bad"}
{"Action":"fail","Package":"m/p","Test":"TestSub/bad"}
{"Action":"fail","Package":"m/p","Test":"TestSub"}
{"Action":"run","Package":"m/p","Test":"TestSkipped"}
{"Action":"run","Package":"m/p","Test":"TestSkipped/child"}
{"Action":"output","Package":"m/p","Test":"TestSkipped/child","Output":"    p_test.go:40: chatter\n"}
{"Action":"pass","Package":"m/p","Test":"TestSkipped/child"}
{"Action":"skip","Package":"m/p","Test":"TestSkipped"}
{"Action":"fail","Package":"m/p"}
`

func TestSubtestOutputKeptForAParentsReason(t *testing.T) {
	p := trackString(t, oldGoParent, Options{Attempt: 1}).Packages[0]
	for _, tc := range []struct {
		group, test string
		reason      bool
		kept        string
	}{
		{"TestParent", "TestParent/child", true, "the parent's reason"},
		{"TestOK", "TestOK/child", false, ""}, // a group that passed keeps no output
		{"TestSub", "TestSub/ok", false, ""},  // a failed subtest is the reason
	} {
		g := p.Group(tc.group)
		if got := g.ReasonInSubtests(); got != tc.reason {
			t.Errorf("%s: ReasonInSubtests = %v, want %v", tc.group, got, tc.reason)
		}
		out := string(g.Tests[1].Output())
		if tc.kept == "" && out != "" || !strings.Contains(out, tc.kept) {
			t.Errorf("%s kept %q, want %q", tc.test, out, tc.kept)
		}
	}
}

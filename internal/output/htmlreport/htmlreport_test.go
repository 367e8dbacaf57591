package htmlreport

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
)

func render(t *testing.T, meta Meta, attempts ...string) string {
	t.Helper()
	r := &grouping.Report{}
	for i, src := range attempts {
		r.Add(streamtest.Attempt(t, i+1, src, grouping.Options{}, nil))
	}
	var b bytes.Buffer
	if err := Write(&b, r, meta); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestFlakyGroupShowsEachAttempt(t *testing.T) {
	html := render(t, Meta{Command: "gorerun --rerun-fails ./...", GoVersion: "go1.26", Commit: "abc123", Wall: 1500 * time.Millisecond},
		"flaky-attempt1.jsonl", "flaky-attempt2.jsonl")
	for _, want := range []string{
		`<tr class="group" data-status="flaky" data-name="m/p TestF">`,
		`<td class="cell s-fail">fail <small>#1</small></td><td class="cell s-pass">pass <small>#2</small></td>`,
		`<th scope="col">Attempt 1</th><th scope="col">Attempt 2</th>`,
		`<details><summary>output of attempt 1 (fail)</summary><pre>`, // collapsed: no open attribute
		"timed out talking to db",
		`<code>gorerun --rerun-fails ./...</code> · go1.26 · commit <code>abc123</code>`,
		`<dt>wall time</dt><dd>1.5s</dd>`,
		`<strong class="s-flaky">1 flaky</strong>`,
		`<input id="filter" type="search"`,
		`class="status-filter" value="flaky" checked`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(html, "<details open") {
		t.Error("output is not collapsed")
	}
}

func TestUntrustedNamesAndOutputStayText(t *testing.T) {
	src := `{"Time":"2026-11-25T10:00:00Z","Action":"start","Package":"m/x"}
{"Time":"2026-11-25T10:00:00Z","Action":"run","Package":"m/x","Test":"TestEvil"}
{"Time":"2026-11-25T10:00:00Z","Action":"run","Package":"m/x","Test":"TestEvil/<script>alert(1)</script>"}
{"Action":"output","Package":"m/x","Test":"TestEvil/<script>alert(1)</script>","Output":"    x_test.go:9: </pre><img src=x onerror=alert(2)>\n"}
{"Action":"output","Package":"m/x","Test":"TestEvil/<script>alert(1)</script>","Output":"    x_test.go:10: \u001b[31mred\u001b[0m </details><script>alert(3)</script>\n"}
{"Action":"fail","Package":"m/x","Test":"TestEvil/<script>alert(1)</script>","Elapsed":0.01}
{"Action":"fail","Package":"m/x","Test":"TestEvil","Elapsed":0.01}
{"Action":"output","Package":"m/x","Output":"FAIL\n"}
{"Time":"2026-11-25T10:00:01Z","Action":"fail","Package":"m/x","Elapsed":1}
`
	html := render(t, Meta{Title: `<b>title</b>`}, src)
	if n := strings.Count(html, "<script"); n != 1 {
		t.Errorf("%d <script elements, want gorerun's one", n)
	}
	for _, bad := range []string{"<img", "</details><script", "<b>title</b>", "\x1b["} {
		if strings.Contains(html, bad) {
			t.Errorf("test data reached the page as markup: %q", bad)
		}
	}
	for _, want := range []string{"TestEvil/&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;/pre&gt;&lt;img src=x onerror=alert(2)&gt;", "red &lt;/details&gt;"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks the escaped %s", want)
		}
	}
}

func TestIncrementalGroupSaysWhichStepFailed(t *testing.T) {
	src := `{"Action":"start","Package":"m/i"}
{"Action":"run","Package":"m/i","Test":"TestFlow"}
{"Action":"attr","Package":"m/i","Test":"TestFlow","Key":"gorerun.incremental","Value":"true"}
{"Action":"run","Package":"m/i","Test":"TestFlow/login"}
{"Action":"pass","Package":"m/i","Test":"TestFlow/login"}
{"Action":"run","Package":"m/i","Test":"TestFlow/pay"}
{"Action":"output","Package":"m/i","Test":"TestFlow/pay","Output":"    i_test.go:9: card declined\n"}
{"Action":"fail","Package":"m/i","Test":"TestFlow/pay"}
{"Action":"run","Package":"m/i","Test":"TestFlow/receipt"}
{"Action":"output","Package":"m/i","Test":"TestFlow/receipt","Output":"    incremental.go:40: previous step \"pay\" failed\n"}
{"Action":"skip","Package":"m/i","Test":"TestFlow/receipt"}
{"Action":"fail","Package":"m/i","Test":"TestFlow"}
{"Action":"output","Package":"m/i","Output":"FAIL\n"}
{"Action":"fail","Package":"m/i"}
`
	html := render(t, Meta{}, src)
	for _, want := range []string{"step <code>TestFlow/pay</code> failed and the steps after it were skipped",
		`TestFlow/receipt <small>(previous step &#34;pay&#34; failed)</small>`, "1 more tests of this group passed in every attempt"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestOutputIsCappedWithAMarker(t *testing.T) {
	long := strings.Repeat("x", 20000)
	src := `{"Action":"run","Package":"m/c","Test":"TestBig"}
{"Action":"output","Package":"m/c","Test":"TestBig","Output":"` + long + `\n"}
{"Action":"fail","Package":"m/c","Test":"TestBig"}
{"Action":"fail","Package":"m/c"}
`
	html := render(t, Meta{MaxOutput: 4096}, src)
	if !strings.Contains(html, "[... 15905 bytes truncated ...]") {
		t.Errorf("no truncation marker")
	}
	if strings.Contains(html, strings.Repeat("x", 4097)) {
		t.Error("output not capped")
	}
}

func TestTimelineAndSlowest(t *testing.T) {
	html := render(t, Meta{}, "ok.jsonl")
	for _, want := range []string{`<svg role="img" aria-label="Packages over wall time`, `<rect class="b-fail"`,
		"<title>example.com/shapes/ok, attempt 1: fail, 0.01s</title>", "<h3>Slowest groups</h3>"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestHistoryColumnOnlyWithHistory(t *testing.T) {
	without := render(t, Meta{}, "flaky-attempt1.jsonl", "flaky-attempt2.jsonl")
	if strings.Contains(without, "Flake rate (history)") {
		t.Error("a history column without a history")
	}
	lookup := func(pkg, group string) (float64, int, []string, bool) {
		if group != "TestF" {
			return 0, 0, nil, false
		}
		return 0.25, 8, []string{"pass", "flaky", "fail"}, true
	}
	with := render(t, Meta{History: lookup}, "flaky-attempt1.jsonl", "flaky-attempt2.jsonl")
	for _, want := range []string{`<th scope="col">Flake rate (history)</th>`, `<td class="history">25% of 8 <svg class="spark"`,
		`<rect class="k-flaky" x="5" y="0" width="4" height="12"><title>flaky</title></rect>`} {
		if !strings.Contains(with, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

// TestControlBytesShowVisibly: NUL, \x01 and bytes that are not UTF-8 in
// test output are shown as the JUnit report shows them, never raw.
func TestControlBytesShowVisibly(t *testing.T) {
	src := `{"Time":"2026-11-25T10:00:00Z","Action":"start","Package":"m/x"}
{"Time":"2026-11-25T10:00:00Z","Action":"run","Package":"m/x","Test":"TestBytes"}
{"Action":"output","Package":"m/x","Test":"TestBytes","Output":"    x_test.go:9: got \u0000\u0001 and \u007f\ttab\n"}
{"Action":"fail","Package":"m/x","Test":"TestBytes","Elapsed":0.01}
{"Time":"2026-11-25T10:00:01Z","Action":"fail","Package":"m/x","Elapsed":1}
`
	html := render(t, Meta{}, src)
	for _, raw := range []string{"\x00", "\x01", "\x7f"} {
		if strings.Contains(html, raw) {
			t.Errorf("page holds raw %q", raw)
		}
	}
	if !strings.Contains(html, "got U+0000U+0001 and U+007F\ttab") {
		t.Errorf("control characters not shown visibly")
	}
	for in, want := range map[string]string{"ok\n": "ok\n", "a\xffb": `a\xffb`, "é\x02": "éU+0002", "\r\n": "\r\n"} {
		if got := visible(in); got != want {
			t.Errorf("visible(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFailedTotalCountsPackageFailures: the page's "failed" total counts a
// package that did not build and one that failed outside its tests, and
// the verdict is FAILED, though no test failed.
func TestFailedTotalCountsPackageFailures(t *testing.T) {
	for _, src := range []string{"buildfail.jsonl", "testmainfail.jsonl"} {
		html := render(t, Meta{}, src)
		if !strings.Contains(html, `<div><dt>failed</dt><dd class="s-fail">1</dd></div>`) ||
			!strings.Contains(html, `<strong class="s-fail">FAILED</strong>`) {
			t.Errorf("%s: the failed package is not counted:\n%s", src, html[:min(len(html), 3000)])
		}
	}
}

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// chromium finds Debian's chromium (or another Chrome); outside CI a
// missing browser skips the test with a clear message, in CI it fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is missing: .ci/run installs Debian's chromium package")
	}
	t.Skip("chromium is not installed (apt-get install chromium): the HTML report is not rendered in a browser")
	return ""
}

// chromiumArgs are the flags of every headless browser run.
func chromiumArgs(t *testing.T) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + t.TempDir()}
}

// browse renders url in headless chromium and returns the DOM after its
// script ran.
func browse(t *testing.T, url string) string {
	t.Helper()
	dom, err := exec.Command(chromium(t), append(chromiumArgs(t), "--dump-dom", url)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	return string(dom)
}

// screenshot renders url in headless chromium into the PNG file png.
func screenshot(t *testing.T, url, png string) {
	t.Helper()
	shot := exec.Command(chromium(t), append(chromiumArgs(t), "--screenshot="+png, "--window-size=1280,1100", url)...)
	if out, err := shot.CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
}

func TestE2EHTMLReportOfTheDemoInABrowser(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page, png := filepath.Join(dir, "demo.html"), filepath.Join(dir, "demo.png")
	demo, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "demo"))
	r := gorerun(t, demo, nil, "", "--rerun-class-max=2", "--html", page, "./...")
	r.expectCode(t, 0)
	// One browser run takes the screenshot of the page; another renders it
	// with a #find= link, whose script filters the rows: its DOM holds every
	// row, those that do not match hidden.
	screenshot(t, "file://"+page, png)
	dom := browse(t, "file://"+page+"#find=TestCart")
	for _, want := range []string{
		`<tr class="group" data-status="flaky" data-name="example.com/demo/checkout TestFlakyNetwork"`,
		`<td class="cell s-fail">fail <small>#1</small></td><td class="cell s-pass">pass <small>#2</small></td>`,
		`<input id="filter" type="search"`,
		`<summary>output of attempt 1 (fail)</summary>`,
		`<svg role="img"`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered DOM lacks %s", want)
		}
	}
	if strings.Contains(dom, "<details open") {
		t.Error("failure output is not collapsed")
	}
	b, err := os.ReadFile(png)
	if err != nil || len(b) < 10000 || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("screenshot: %d bytes, %v", len(b), err)
	}
	// The search box filters: a link with #find= shows only what matches.
	rows := regexp.MustCompile(`<tr class="group"[^>]*>`).FindAllString(dom, -1)
	shown := 0
	for _, row := range rows {
		if !strings.Contains(row, " hidden") {
			shown++
			if !strings.Contains(row, "TestCart") {
				t.Errorf("the filter for TestCart shows %s", row)
			}
		}
	}
	if len(rows) != 5 || shown != 1 {
		t.Errorf("%d rows, %d shown after the filter; want 5 and 1", len(rows), shown)
	}
}

func TestE2EHTMLReportOfEveryKindOfGroup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page, report := filepath.Join(dir, "r.html"), filepath.Join(dir, "r.xml")
	r := gorerun(t, fixture("e2e"), nil, "", "--rerun-class-max=1", "--rerun-delay=0", "--html", page, "--junitfile", report,
		"./basic", "./always", "./incr", "./crashalways", "./xss")
	r.expectCode(t, 1)
	fromRun := browse(t, "file://"+page)
	check := func(name, dom string) {
		for _, want := range []string{
			`data-status="flaky" data-name="example.com/e2e/basic TestWholeGroup"`,
			`data-status="fail" data-name="example.com/e2e/always TestAlwaysFails"`,
			`data-status="crash" data-name="example.com/e2e/crashalways TestCrash"`,
			`step <code>TestBrokenLogin/login</code> failed and the steps after it were skipped`,
			`TestEvil/&lt;script&gt;alert(1)&lt;/script&gt;`,
			`&lt;/pre&gt;&lt;img src=x onerror=alert(2)&gt;`,
		} {
			if !strings.Contains(dom, want) {
				t.Errorf("%s: the rendered DOM lacks %s", name, want)
			}
		}
		// No script and no handler from test data reached the DOM.
		if n := strings.Count(dom, "<script"); n != 1 {
			t.Errorf("%s: %d script elements, want gorerun's one", name, n)
		}
		if strings.Contains(dom, "<img") || strings.Contains(dom, "\x1b[") {
			t.Errorf("%s: test output became markup", name)
		}
	}
	check("--html", fromRun)
	// The same page from the JUnit report, as after merging CI shards.
	again := filepath.Join(dir, "from-junit.html")
	h := gorerun(t, fixture("e2e"), nil, "", "html", "-o", again, report)
	h.expectCode(t, 0)
	h.expectOutput(t, "gorerun: wrote "+again)
	// Its script is the same as the page above's, which the browser ran:
	// the page as written is checked, without a second browser.
	b, err := os.ReadFile(again)
	if err != nil {
		t.Fatal(err)
	}
	check("gorerun html", string(b))
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestE2EEvidence runs the evidence fixture with artifacts and shuffling:
// each attempt's attributes and artifacts are in the JUnit report and the
// HTML page, each attachment is a file holding its own attempt's content,
// and the reproduction command printed for the always-failing test, with
// its seed, fails the same way when a user pastes it.
func TestE2EEvidence(t *testing.T) {
	dir := fixture("evidence")
	out := t.TempDir()
	artifacts := filepath.Join(out, "artifacts")
	if err := os.Mkdir(artifacts, 0o755); err != nil { // go test wants it to exist
		t.Fatal(err)
	}
	xml, page := filepath.Join(out, "r.xml"), filepath.Join(out, "r.html")
	r := gorerun(t, dir, nil, "", "--rerun-class-max=2", "--rerun-delay=0", "--junitfile", xml, "--html", page,
		"./...", "--", "-artifacts", "-outputdir", artifacts, "-shuffle=on")
	r.expectCode(t, 1)

	ts := readJUnit(t, xml)
	tagged := testcase(t, ts, "attrs", "TestTagged")
	if tagged.SystemOut == nil || !strings.Contains(tagged.SystemOut.Body, "=== ATTR  TestTagged issue GR-42\n=== ATTR  TestTagged owner payments team\n") {
		t.Errorf("TestTagged's attributes are not on its testcase: %+v", tagged.SystemOut)
	}
	checkout := testcase(t, ts, "screens", "TestCheckout")
	if len(checkout.FlakyFailures) != 1 || checkout.FlakyFailures[0].SystemOut == nil || checkout.SystemOut == nil {
		t.Fatalf("TestCheckout: want one flaky failure and a final attempt, each with system-out: %+v", checkout)
	}
	for attempt, body := range map[string]string{"1": checkout.FlakyFailures[0].SystemOut.Body, "2": checkout.SystemOut.Body} {
		notes := attachments(body, "note.txt")
		if len(notes) != 1 || len(attachments(body, "screen.png")) != 1 {
			t.Fatalf("attempt %s: want one note and one screenshot attached:\n%s", attempt, body)
		}
		b, err := os.ReadFile(notes[0])
		if err != nil || string(b) != "attempt "+attempt+"\n" {
			t.Errorf("attempt %s's note %s holds %q (%v)", attempt, notes[0], b, err)
		}
	}

	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<code>issue</code>=<code>GR-42</code>", `artifact of attempt 1: <a href="artifacts/_artifacts/`,
		`artifact of attempt 2: <a href="artifacts/_artifacts/`, `<img src="data:image/png;base64,`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the HTML report lacks %s", want)
		}
	}

	// The command under TestAlways names the seed its last attempt printed.
	seeds := regexp.MustCompile(`shuffled (?:\(\d+ms\) )?\(-test\.shuffle (\d+)\) \[attempt 3\]`).FindStringSubmatch(r.stdout)
	cmd := regexp.MustCompile(`(?m)^reproduce: (GORERUN_ATTEMPT=3 go test .*'\^TestAlways\$'.*)$`).FindStringSubmatch(r.stdout)
	if seeds == nil || cmd == nil || !strings.Contains(cmd[1], "-shuffle="+seeds[1]+" ./shuffled") {
		t.Fatalf("no reproduction command with attempt 3's seed in:\n%s", r.stdout)
	}
	repro := exec.Command("sh", "-c", cmd[1])
	repro.Dir = dir
	got, err := repro.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("%s: %v, want exit 1:\n%s", cmd[1], err, got)
	}
	for _, want := range []string{"-test.shuffle " + seeds[1], "the ledger does not balance", "--- FAIL: TestAlways"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("%s did not fail the same way (no %q):\n%s", cmd[1], want, got)
		}
	}

	// gorerun html reads the attributes and attachments back from the report.
	back := filepath.Join(out, "back.html")
	gorerun(t, out, nil, "", "html", "-o", back, xml).expectCode(t, 0)
	html, err = os.ReadFile(back)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<code>issue</code>=<code>GR-42</code>", `artifact of attempt 1: <a href="artifacts/_artifacts/`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("gorerun html of the report lacks %s", want)
		}
	}
}

// attachments lists the [[ATTACHMENT|path]] lines of text whose file is
// named name.
func attachments(text, name string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^\[\[ATTACHMENT\|(.*)\]\]$`).FindAllStringSubmatch(text, -1) {
		if filepath.Base(m[1]) == name {
			out = append(out, m[1])
		}
	}
	return out
}

// TestE2ERerunSameShuffle: a rerun of a shuffled package takes a new
// order, unless --rerun-same-shuffle asks for the failed attempt's.
func TestE2ERerunSameShuffle(t *testing.T) {
	seeds := regexp.MustCompile(`shuffled (?:\(\d+ms\) )?\(-test\.shuffle (\d+)\)`)
	for _, tc := range []struct {
		flags []string
		same  bool
	}{{nil, false}, {[]string{"--rerun-same-shuffle"}, true}} {
		args := append(append([]string{"--rerun-class-max=2", "--rerun-delay=0"}, tc.flags...), "./shuffled", "--", "-shuffle=on")
		r := gorerun(t, fixture("evidence"), nil, "", args...)
		r.expectCode(t, 1)
		m := seeds.FindAllStringSubmatch(r.stdout, -1)
		if len(m) != 3 {
			t.Fatalf("%v: want 3 attempts with their seeds:\n%s", tc.flags, r.stdout)
		}
		if same := m[0][1] == m[1][1] && m[1][1] == m[2][1]; same != tc.same {
			t.Errorf("%v: seeds %s, %s, %s; want the same: %v", tc.flags, m[0][1], m[1][1], m[2][1], tc.same)
		}
	}
	gorerun(t, fixture("evidence"), nil, "", "--rerun-same-shuffle", "./shuffled").expectCode(t, 2)
}

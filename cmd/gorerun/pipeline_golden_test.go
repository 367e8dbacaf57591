package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/internal/testutil/golden"
)

// normalize removes what differs between two runs of the same thing:
// durations, timestamps, the host, machine paths.
func normalize(s, dir string) string {
	for _, r := range []struct{ re, with string }{
		{`(?m)<property name="(timestamp|hostname|go.version|gorerun.version)" value="[^"]*">`, `<property name="$1" value="X">`},
		{`time="[0-9.,]+"`, `time="T"`},
		{`\(([0-9]+\.[0-9]+s|cached)\)`, `(T)`},
		{`\(([0-9]+(\.[0-9]+)?(µs|ms|s)|[0-9]+m[0-9.]+s)\)`, `(T)`},
		{`\d+\.\d+s\b`, `Ts`},
		{`"Time":"[^"]*"`, `"Time":"T"`},
		{`"Elapsed":[0-9.e+-]+`, `"Elapsed":0`},
		{`goroutine \d+`, `goroutine N`},
		{`\+0x[0-9a-f]+`, `+0xN`},
		{`0x[0-9a-f]+`, `0xN`},
	} {
		s = regexp.MustCompile(r.re).ReplaceAllString(s, r.with)
	}
	return strings.ReplaceAll(s, dir, "DIR")
}

// TestPipelineGolden pins what every output writes for recorded streams and
// for a live run with reruns, so that restructuring how outputs are wired
// cannot change a byte of them (after normalize).
func TestPipelineGolden(t *testing.T) {
	t.Parallel()
	type testCase struct {
		name string
		dir  string
		args []string
	}
	var testCases []testCase
	streams, _ := filepath.Glob(streamPath("*.jsonl"))
	for _, s := range streams {
		name := strings.TrimSuffix(filepath.Base(s), ".jsonl")
		testCases = append(testCases, testCase{"input-" + name, "", []string{"--input", s, "--format", "testname"}})
	}
	testCases = append(testCases,
		testCase{"live-reruns", fixture("e2e"), []string{"--rerun-class-max=2", "--rerun-delay=0", "--rerun-parallel=1", "./basic", "./crash", "./incr", "--", "-p", "1"}},
		testCase{"live-github-actions", fixture("e2e"), []string{"--format=github-actions", "--rerun-class-max=1", "--rerun-delay=0", "--rerun-parallel=1", "./other", "./always", "--", "-p", "1"}})
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			dir := tc.dir
			if dir == "" {
				dir = out
			}
			junit, jsonfile, md := filepath.Join(out, "r.xml"), filepath.Join(out, "e.jsonl"), filepath.Join(out, "s.md")
			r := gorerun(t, dir, nil, "", append([]string{"--junitfile", junit, "--jsonfile", jsonfile, "--summary-md", md}, tc.args...)...)
			var got strings.Builder
			got.WriteString("exit " + string(rune('0'+r.code)) + "\n--- stdout\n" + r.stdout + "--- stderr\n" + r.stderr)
			for _, f := range []string{junit, jsonfile, md} {
				b, _ := os.ReadFile(f)
				got.WriteString("--- " + filepath.Base(f) + "\n" + string(b))
			}
			text := normalize(got.String(), out)
			if tc.dir != "" {
				// A live package's time depends on the machine: one that
				// ends within a millisecond (a rerun of a kept binary)
				// shows none, as in gotestsum.
				text = strings.ReplaceAll(text, " (T)", "")
			}
			golden.Assert(t, []byte(text), filepath.Join("testdata", "pipeline", tc.name+".golden"))
		})
	}
}

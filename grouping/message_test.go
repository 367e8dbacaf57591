package grouping

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The message finders read outputs in place (no copy of the whole
// output); these are their definitions, by splitting into lines.
func lastMessageBySplit(out []byte) string {
	var msg []string
	inMsg := false
	for line := range strings.SplitSeq(string(out), "\n") {
		l := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(l, "--- FAIL"):
			return strings.Join(msg, "\n")
		case isFraming(line) || l == "":
			inMsg = false
		case logText(line) != l:
			msg, inMsg = []string{logText(line)}, true
		case inMsg:
			msg = append(msg, l)
		}
	}
	return strings.Join(msg, "\n")
}

func lastLogLineBySplit(out []byte) string {
	lines := strings.Split(string(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) == "" || isFraming(lines[i]) {
			continue
		}
		return logText(lines[i])
	}
	return ""
}

func TestMessageFindersAgreeWithSplitting(t *testing.T) {
	pieces := []string{"    x_test.go:12: boom", "x_test.go:3: ", "        more detail", "", "   ", "=== RUN   TestA",
		"--- FAIL: TestA (0.00s)", "--- PASS: TestB (0.00s)", "plain text", "panic: oh no", "\tgoroutine 1",
		"a.go:1: é", "=== NAME  TestA", "x_test.go:9: two\tcols", "   x_test.go:7: " + strings.Repeat("é", 600),
		"    " + strings.Repeat("long continuation ", 40), "x_test.go:1: l1", "    c", "    d", "    e",
		"x_test.go:4: says --- FAIL inside", "\t--- FAIL: TestA/sub (0.00s)", "--- FAILED text", "  "}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		var b strings.Builder
		for range rng.IntN(24) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			if rng.IntN(10) > 0 {
				b.WriteByte('\n')
			}
		}
		out := []byte(b.String())
		// lastMessage keeps only what capMessage can keep.
		if got, want := capMessage(lastMessage(out)), capMessage(lastMessageBySplit(out)); got != want {
			t.Fatalf("case %d: lastMessage(%q) = %q, want %q", i, out, got, want)
		}
		if got, want := lastLogLine(out), lastLogLineBySplit(out); got != want {
			t.Fatalf("case %d: lastLogLine(%q) = %q, want %q", i, out, got, want)
		}
		msg, last, first := lastMessage(out), lastLogLine(out), firstLogLine(out)
		for j := range out {
			out[j] = 'Z' // the buffer is written again: what was found stays
		}
		orig := []byte(b.String())
		if capMessage(msg) != capMessage(lastMessageBySplit(orig)) || last != lastLogLineBySplit(orig) || first != firstLogLine(orig) {
			t.Fatalf("case %d: what was found changed with its buffer: %q %q %q", i, msg, last, first)
		}
	}
}

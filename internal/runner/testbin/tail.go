package testbin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"
)

// Tail passes a test binary's output (stdout and stderr, as go test
// combines them) on to test2json, and then writes what go test writes
// after a binary's output, so that test2json turns it into exactly go
// test -json's events: "ok  \tpkg\t0.011s" (with the coverage and
// " [no tests to run]" go test adds), or the exit status when the binary
// printed nothing or was killed, and "FAIL\tpkg\t0.012s" marked for
// test2json, which ends a test cut off by a crash and the package.
type Tail struct {
	W       io.Writer // test2json's input
	Package string

	n        int64
	last     byte
	line     []byte // the start of the current line
	coverage string // the first "coverage: ..." line, without "\n"
	noTests  bool
}

// maxLine is how much of a line Tail keeps to recognise it.
const maxLine = 256

// Write passes p on and notes the lines go test looks for.
func (t *Tail) Write(p []byte) (int, error) {
	n, err := t.W.Write(p)
	t.n += int64(n)
	if n > 0 {
		t.last = p[n-1]
	}
	for _, b := range p[:n] {
		if b != '\n' {
			if len(t.line) < maxLine {
				t.line = append(t.line, b)
			}
			continue
		}
		t.sawLine(t.line)
		t.line = t.line[:0]
	}
	return n, err
}

// sawLine notes a whole line of the binary's output.
func (t *Tail) sawLine(line []byte) {
	line = bytes.TrimPrefix(line, []byte{0x16}) // test2json's marker
	switch {
	case t.coverage == "" && bytes.HasPrefix(line, []byte("coverage: ")):
		t.coverage = string(line)
	case bytes.Equal(line, []byte("testing: warning: no tests to run")):
		t.noTests = true
	}
}

// Finish writes go test's lines for the binary's end: err is how it
// exited (nil: status 0), elapsed how long it ran.
func (t *Tail) Finish(err error, elapsed time.Duration) error {
	secs := fmt.Sprintf("%.3fs", elapsed.Seconds())
	var b bytes.Buffer
	if err == nil {
		if t.n > 0 && t.last != '\n' {
			b.WriteByte('\n')
		}
		b.WriteString("ok  \t" + t.Package + "\t" + secs)
		if t.coverage != "" {
			b.WriteString("\t" + t.coverage)
		}
		if t.noTests {
			b.WriteString(" [no tests to run]")
		}
		b.WriteByte('\n')
	} else {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || !exit.Exited() || t.n == 0 {
			b.WriteString(err.Error() + "\n") // why, when the binary did not say
		} else if t.last != '\n' {
			b.WriteByte('\n')
		}
		b.WriteString("\x16FAIL\t" + t.Package + "\t" + secs + "\n")
	}
	_, werr := t.W.Write(b.Bytes())
	return werr
}

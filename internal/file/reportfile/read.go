// Package reportfile reads a finished run back from a file: a JUnit
// report of any tool (gotestsum, go-junit-report, Surefire, gorerun) or a
// go test -json / --jsonfile stream, for gorerun html and gorerun history
// import.
package reportfile

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/internal/runner"
	"github.com/gorerun/gorerun/junitout"
)

// Read reads the file name, whose contents are b, into gorerun's model.
// A JUnit report is turned into the stream gorerun's --jsonfile would hold
// for it first; a stream cut short is read as far as it goes.
func Read(name string, b []byte) (*grouping.Report, error) {
	if junitout.IsReport(b) {
		suites, err := junitout.ReadSuites(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var events bytes.Buffer
		if err := writeEvents(&events, suites); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		b = events.Bytes()
	}
	report, err := runner.Read(bytes.NewReader(b), name, output.List{}, grouping.Options{})
	if err != nil && !errors.Is(err, runner.ErrTruncated) {
		return nil, err
	}
	return report, nil
}

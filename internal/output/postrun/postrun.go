// Package postrun runs --post-run-command when the run is over, with
// gotestsum's environment: where the reports are and how many tests ran,
// failed, were skipped and errored.
package postrun

import (
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/gorerun/gorerun/internal/output"
)

// Command is the --post-run-command output. It finishes last, after the
// files it names are written.
type Command struct {
	output.Hooks
	Args           []string // the command and its arguments
	Dir            string
	JSONFile       string
	JSONTimingFile string
	JUnitFile      string
	Stdout, Stderr io.Writer
}

// Env is the environment the command gets on top of gorerun's own.
func (c *Command) Env(r output.Result) []string {
	n := r.Report.Counts()
	return []string{
		"GOTESTSUM_JSONFILE=" + c.JSONFile,
		"GOTESTSUM_JSONFILE_TIMING_EVENTS=" + c.JSONTimingFile,
		"GOTESTSUM_JUNITFILE=" + c.JUnitFile,
		fmt.Sprintf("GOTESTSUM_ELAPSED=%.3fs", r.Elapsed.Seconds()),
		fmt.Sprintf("TESTS_TOTAL=%d", n.Tests),
		fmt.Sprintf("TESTS_FAILED=%d", n.Failed+n.PackageFailures),
		fmt.Sprintf("TESTS_SKIPPED=%d", n.Skipped),
		fmt.Sprintf("TESTS_ERRORS=%d", n.Errors+n.Interrupted+n.BuildFailures),
	}
}

// Finish runs the command. Its failure is a warning: it does not change
// the run's exit code.
func (c *Command) Finish(r output.Result) error {
	cmd := exec.Command(c.Args[0], c.Args[1:]...)
	cmd.Dir = c.Dir
	cmd.Stdout, cmd.Stderr = c.Stdout, c.Stderr
	cmd.Env = append(os.Environ(), c.Env(r)...)
	if err := cmd.Run(); err != nil {
		return output.Warn(fmt.Errorf("--post-run-command %s: %w", c.Args[0], err))
	}
	return nil
}

package postrun

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
)

func TestCommand(t *testing.T) {
	r := &grouping.Report{}
	r.Add(streamtest.Attempt(t, 1, "ok.jsonl", grouping.Options{}, nil))
	var out bytes.Buffer
	c := &Command{Args: []string{"sh", "-c", `echo "$TESTS_TOTAL $TESTS_FAILED $TESTS_SKIPPED $TESTS_ERRORS $GOTESTSUM_JUNITFILE $GOTESTSUM_ELAPSED"`},
		JUnitFile: "r.xml", Stdout: &out, Stderr: &out}
	if err := c.Finish(output.Result{Report: r, Elapsed: 1500 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "8 2 1 0 r.xml 1.500s\n" {
		t.Errorf("the command saw %q", got)
	}
	c.Args = []string{"sh", "-c", "exit 3"}
	err := c.Finish(output.Result{Report: r})
	if err == nil || !output.IsWarning(err) || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("a failing command: %v, want a warning", err)
	}
}

package lastfailed

import (
	"errors"
	"fmt"
	"io"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/file/outpath"
	"github.com/gorerun/gorerun/internal/output"
)

// Output records the run in the cache when it is finished: the
// last-failed cache as an output of the run.
type Output struct {
	output.Hooks
	cache  Cache
	stderr io.Writer
}

// NewOutput returns the output that updates c; warnings go to stderr.
func NewOutput(c Cache, stderr io.Writer) *Output { return &Output{cache: c, stderr: stderr} }

// Finish folds the run into the cache. Failing to save it is a warning.
func (o *Output) Finish(r output.Result) error {
	outpath.RemoveStale(o.cache.Path(), o.stderr)
	warn, err := o.cache.Update(r.Report)
	if warn != nil {
		fmt.Fprintf(o.stderr, "gorerun: warning: %v\n", warn)
	}
	return output.Warn(err)
}

// Selection is what --last-failed runs.
type Selection struct {
	// Reruns are the processes to run; none means nothing failed here.
	Reruns []grouping.Rerun
	// AttemptsMade is how many attempts of them earlier runs made.
	AttemptsMade int
	// Note says in one line what runs and why.
	Note string
}

// Select picks the failures of the given packages (as go list names them)
// from failures recorded in source. whatNow says what happens when there
// are none ("running everything").
func Select(failures grouping.Failures, source string, pkgs []string, whatNow string) Selection {
	wanted := map[string]bool{}
	for _, p := range pkgs {
		wanted[p] = true
	}
	reruns := failures.Reruns(func(p string) bool { return wanted[p] })
	if len(reruns) == 0 {
		return Selection{Note: "no failures in " + source + " for these packages; " + whatNow}
	}
	groups := 0
	for _, r := range reruns {
		groups += max(len(r.Run), 1)
	}
	made := failures.AttemptsMade(reruns)
	note := fmt.Sprintf("running %d groups in %d packages that failed last time (%s)", groups, len(reruns), source)
	if made > 0 {
		note += fmt.Sprintf(", from attempt %d", made+1)
	}
	return Selection{Reruns: reruns, AttemptsMade: made, Note: note}
}

// LoadOrWarn loads the cache; a corrupt one is reported on stderr as a
// warning and counts as nothing recorded.
func (c Cache) LoadOrWarn(stderr io.Writer) (grouping.Failures, bool, error) {
	f, ok, err := c.Load()
	var corrupt *CorruptError
	if errors.As(err, &corrupt) {
		fmt.Fprintf(stderr, "gorerun: warning: %v\n", err)
		return f, false, nil
	}
	return f, ok, err
}

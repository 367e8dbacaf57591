package history

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/output"
)

// Output records the run in the history when it is finished, and names a
// group that flaked in this run and flakes often (the hint).
type Output struct {
	output.Hooks
	// Open returns the history to record into (created if need be), which
	// its caller closes: the run reads the history through the same
	// handle.
	Open func() (*DB, error)
	Run  Run
	// HintRate is the flake rate above which a group that flaked in this
	// run is named, with at least HintRuns runs of history.
	HintRate float64
	HintRuns int
	Stdout   io.Writer
}

// Finish records the report; failing to is a warning, never a failed run.
func (o *Output) Finish(r output.Result) error {
	db, err := o.Open()
	if err != nil {
		return output.Warn(fmt.Errorf("history not recorded: %w", err))
	}
	run := o.Run
	run.Interrupted = r.Interrupted
	if run.Started.IsZero() {
		run.Started = time.Now().Add(-r.Elapsed)
	}
	if err := db.Record(run, r.Report); err != nil && !errors.Is(err, ErrAlreadyImported) {
		return output.Warn(fmt.Errorf("history not recorded: %s: %w", db.Location(), err))
	}
	for _, h := range grouping.FlakyGroups(r.Report.Packages()) {
		s, err := db.Group(h.Package, h.Name)
		if err != nil || s.Runs < o.HintRuns || s.Rate < o.HintRate {
			continue
		}
		fmt.Fprintf(o.Stdout, "gorerun: %s %s flaked in %d of the last %d runs (gorerun flaky lists the flakiest groups)\n",
			h.Package, h.Name, s.Flakes, s.Runs)
	}
	return nil
}

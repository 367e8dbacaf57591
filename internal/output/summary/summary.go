// Package summary appends the run's Markdown summary (totals, flaky
// groups, failures) to a file: $GITHUB_STEP_SUMMARY in GitHub Actions, or
// --summary-md. It is the model of a run's output: it only acts when the run
// is finished, and a failure to write is a warning, never the run's verdict.
package summary

import (
	"fmt"
	"os"

	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/internal/output/history"
	"github.com/gorerun/gorerun/internal/output/terminal"
)

// Summary is the step summary output.
type Summary struct {
	output.Hooks
	path string
	// Flakiest, if set, are the flakiest groups of the history, shown in
	// a table of their own (top 10).
	Flakiest []history.Stat
}

// New returns the output that appends to path. Nothing is written before
// Finish.
func New(path string) *Summary { return &Summary{path: path} }

// Finish appends the summary. Job summaries are appended to by every step,
// so the file is not replaced.
func (s *Summary) Finish(r output.Result) error {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return output.Warn(fmt.Errorf("--summary-md: %w", err))
	}
	if err := terminal.Markdown(f, r.Report, r.Elapsed); err != nil {
		f.Close()
		return output.Warn(fmt.Errorf("--summary-md %s: %w", s.path, err))
	}
	if len(s.Flakiest) > 0 {
		fmt.Fprintf(f, "\n### Flakiest groups in the history\n\n| group | package | flake rate | flakes / runs | last flake |\n| --- | --- | --- | --- | --- |\n")
		for _, st := range s.Flakiest[:min(10, len(s.Flakiest))] {
			fmt.Fprintf(f, "| `%s` | `%s` | %.0f%% | %d / %d | %s |\n", st.Group, st.Package, st.Rate*100, st.Flakes, st.Runs, st.LastFlake.UTC().Format("2006-01-02"))
		}
	}
	if err := f.Close(); err != nil {
		return output.Warn(fmt.Errorf("--summary-md %s: %w", s.path, err))
	}
	return nil
}

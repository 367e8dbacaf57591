package session

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/gorerun/gorerun/internal/env/gomod"
	"github.com/gorerun/gorerun/internal/file/inputfile"
	"github.com/gorerun/gorerun/internal/file/spool"
	"github.com/gorerun/gorerun/internal/output"
	"github.com/gorerun/gorerun/internal/output/history"
	"github.com/gorerun/gorerun/internal/output/htmlreport"
	"github.com/gorerun/gorerun/internal/output/jsonfile"
	"github.com/gorerun/gorerun/internal/output/junit"
	"github.com/gorerun/gorerun/internal/output/lastfailed"
	"github.com/gorerun/gorerun/internal/output/postrun"
	"github.com/gorerun/gorerun/internal/output/rerunreport"
	"github.com/gorerun/gorerun/internal/output/summary"
	"github.com/gorerun/gorerun/internal/output/terminal"
	"github.com/gorerun/gorerun/junitout"
)

// outputs are the run's outputs, opened.
type outputs struct {
	// list holds every output in the one order they finish in (see open).
	list output.List
	// observers are list and the run's own observers (--max-fails): what
	// the runner tells about the run.
	observers output.List
	// term is list[0]: --last-failed tells it the first attempt's number.
	term *terminal.Terminal
	// spool holds the output of the failed tests of compacted packages
	// (see streamed) until the outputs have finished.
	spool *spool.File
}

// outputEntry is one output of a run: opened when on.
type outputEntry struct {
	on   bool
	open func() (output.Output, error)
}

// open opens the outputs the run asked for, so that a bad path is refused
// before anything runs. The list is the order they finish in: what the
// user reads first (the terminal's summary, annotations, the step
// summary), then the files, and the post-run command last, once the files
// it names are written. Adding an output is one entry here.
func open(f *facts, cfg Config, start time.Time) (*outputs, error) {
	modulePath := cfg.Terminal.ModulePath
	if modulePath == "" {
		modulePath = gomod.ModulePath(cmp.Or(cfg.Dir, "."))
	}
	repro := reproducer(f, cfg, modulePath)
	term := terminal.NewTerminal(cfg.Stdout, terminalOptions(cfg, modulePath, repro))
	// --junitfile and --update-xml share one set of report options.
	junitOpts := sync.OnceValue(func() junitout.Options { return junitOptions(f, cfg, start, modulePath, repro) })
	var cache *lastfailed.Cache // the last-failed cache: a run of go test records what did not pass
	if cfg.Input == "" && !cfg.RawCommand {
		cache = cacheFor(f, cfg)
	}
	historyPath := ""
	if !cfg.NoHistory {
		historyPath = f.historyPath()
	}
	entries := []outputEntry{
		{true, func() (output.Output, error) { return term, nil }},
		{cfg.Terminal.Format == "github-actions", func() (output.Output, error) {
			if cfg.Input != "" {
				return terminal.NewAnnotations(cfg.Stdout, ""), nil // file names of a recorded stream stay as they are
			}
			return terminal.NewAnnotations(cfg.Stdout, modulePath), nil
		}},
		{cfg.SummaryMD != "", func() (output.Output, error) {
			s := summary.New(cfg.SummaryMD)
			s.Flakiest = f.flakiest()
			return s, nil
		}},
		{cache != nil, func() (output.Output, error) { return lastfailed.NewOutput(*cache, cfg.Stderr), nil }},
		{cfg.JSONFile != "", func() (output.Output, error) { return jsonfile.Create(cfg.JSONFile) }},
		// A recorded stream is never rerun: its packages are written as
		// they end, unless --update-xml needs the whole report.
		{cfg.JUnitFile != "", func() (output.Output, error) {
			return junit.NewFileOutput(cfg.JUnitFile, junitOpts(), cfg.Input != "" && cfg.UpdateXML == "")
		}},
		{cfg.UpdateXML != "", func() (output.Output, error) {
			old, err := inputfile.Read(cfg.UpdateXML, inputfile.MaxSize)
			if err != nil {
				return nil, fmt.Errorf("--update-xml: %w", err)
			}
			if cfg.Hold != nil {
				cfg.Hold(int64(len(old)))
			}
			return junit.NewUpdateOutput(cfg.UpdateXML, old, junitOpts(), cfg.Stdout)
		}},
		{cfg.JSONTimingFile != "", func() (output.Output, error) { return jsonfile.CreateTiming(cfg.JSONTimingFile) }},
		{cfg.RerunReport != "", func() (output.Output, error) { return rerunreport.New(cfg.RerunReport) }},
		{cfg.HTMLFile != "", func() (output.Output, error) { return htmlOutput(f, cfg, repro) }},
		{historyPath != "", func() (output.Output, error) {
			return &history.Output{Open: func() (*history.DB, error) { return f.historyDB(true) }, HintRate: 0.05, HintRuns: 5, Stdout: cfg.Stdout,
				Run: history.Run{Started: start, Module: modulePath, Commit: f.commit(), Branch: f.branch()}}, nil
		}},
		{len(cfg.PostRunCommand) > 0, func() (output.Output, error) {
			return &postrun.Command{Args: cfg.PostRunCommand, Dir: cfg.Dir, JSONFile: cfg.JSONFile,
				JSONTimingFile: cfg.JSONTimingFile, JUnitFile: cfg.JUnitFile, Stdout: cfg.Stdout, Stderr: cfg.Stderr}, nil
		}},
	}
	o := &outputs{term: term, spool: spool.New("")}
	for _, e := range entries {
		if !e.on {
			continue
		}
		x, err := e.open()
		if err != nil {
			o.list.Abort()
			return nil, usage(err)
		}
		o.list = append(o.list, x)
	}
	o.observers = slices.Clip(o.list)
	return o, nil
}

// htmlOutput opens the --html page, its artifact links relative to it.
func htmlOutput(f *facts, cfg Config, repro reproduceFunc) (output.Output, error) {
	dir, _ := filepath.Abs(filepath.Dir(cfg.HTMLFile))
	return htmlreport.NewOutput(cfg.HTMLFile, htmlreport.Meta{Command: cfg.Command,
		GoVersion: f.goVersion(), Commit: f.commit(), History: f.historyLookup(), Reproduce: repro, Dir: dir})
}

// terminalOptions completes the terminal's options from the values the
// run was given once: the rerun policy, the output cap, --rerun-only-last,
// and the reproduction commands.
func terminalOptions(cfg Config, modulePath string, repro reproduceFunc) terminal.Options {
	opts := cfg.Terminal
	opts.Reproduce = repro
	opts.ModulePath = modulePath
	opts.Plan = cfg.Plan
	opts.RerunDelay = cfg.Delay
	opts.MaxOutput = cfg.Tracker.MaxOutput
	opts.OnlyLast = cfg.OnlyLast
	return opts
}

// junitOptions completes the report options: the output cap,
// --rerun-only-last, the versions, host and time of the run, and the
// reproduction commands.
func junitOptions(f *facts, cfg Config, start time.Time, modulePath string, repro reproduceFunc) junitout.Options {
	opts := cfg.JUnit
	opts.Reproduce = repro
	opts.ModulePath = cmp.Or(opts.ModulePath, modulePath)
	opts.MaxOutput = cfg.Tracker.MaxOutput
	opts.OnlyLast = cfg.OnlyLast
	opts.AttachmentsRelativeTo = attachmentsBase(cfg)
	opts.Hostname, _ = os.Hostname()
	opts.GoVersion = cmp.Or(f.goVersion(), runtime.Version())
	opts.Timestamp = start
	return opts
}

// finish finishes every output in order, whatever happened to the ones
// before it (a full disk under one report must not cost the others): each
// failure is named on stderr, the last one is returned, and any fails the
// run. A warning (output.Warn) is printed and the run goes on.
//
// Quiet outputs (output.Quiet: the JUnit report) are started first, on
// goroutines of their own, and their outcome is taken in their turn: they
// write while the terminal shows the summary.
func (o *outputs) finish(result output.Result, stderr io.Writer) error {
	type outcome struct {
		done chan struct{}
		err  error
	}
	quiet := map[output.Output]*outcome{}
	for _, x := range o.list {
		if _, ok := x.(output.Quiet); ok {
			oc := &outcome{done: make(chan struct{})}
			quiet[x] = oc
			go func() {
				defer close(oc.done)
				oc.err = x.Finish(result)
			}()
		}
	}
	var failed []error
	for _, x := range o.list {
		var err error
		if oc := quiet[x]; oc != nil {
			<-oc.done
			err = oc.err
		} else {
			err = x.Finish(result)
		}
		switch {
		case output.IsWarning(err):
			fmt.Fprintf(stderr, "gorerun: warning: %v\n", err)
		case err != nil:
			failed = append(failed, err)
		}
	}
	if n := len(failed); n > 0 {
		for _, err := range failed[:n-1] {
			fmt.Fprintf(stderr, "gorerun: %v\n", err)
		}
		return failed[n-1]
	}
	return nil
}

// verdict is the output that decides whether the run failed, if one does
// (--update-xml: the merged report).
func (o *outputs) verdict() output.Verdict {
	for _, x := range o.list {
		if v, ok := x.(output.Verdict); ok {
			return v
		}
	}
	return nil
}

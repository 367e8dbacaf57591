package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/atomicfile"
	"github.com/gorerun/gorerun/internal/inputfile"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/lastfailed"
	"github.com/gorerun/gorerun/runner"
)

// cacheFor returns the last-failed cache: --cache-dir, or .gorerun in the
// main module's root; nil outside a module.
func cacheFor(ctx context.Context, o *options, cfg runner.Config) *lastfailed.Cache {
	if o.cacheDir != "" {
		return &lastfailed.Cache{Dir: o.cacheDir}
	}
	root := runner.ModuleRoot(ctx, cfg)
	if root == "" {
		return nil
	}
	return &lastfailed.Cache{Dir: filepath.Join(root, lastfailed.DirName)}
}

func saveCache(c lastfailed.Cache, report *grouping.Report, stderr io.Writer) error {
	removeStale(c.Path(), stderr)
	warn, err := c.Update(report)
	if warn != nil {
		fmt.Fprintf(stderr, "gorerun: warning: %v\n", warn)
	}
	return err
}

// planLastFailed decides what --last-failed runs, and how many attempts
// of it were made already. A nil result means run everything (or nothing,
// with --last-failed-no-failures=none); note says which, in one line.
func planLastFailed(ctx context.Context, o *options, cfg runner.Config, cache *lastfailed.Cache, haveUpdateXML bool, stderr io.Writer) ([]grouping.Rerun, int, string, error) {
	var failures grouping.Failures
	var source string
	switch {
	case o.lastFailed.file != "":
		f, err := lastfailed.FromFile(o.lastFailed.file)
		if err != nil {
			return nil, 0, "", fmt.Errorf("--last-failed=%s: %w", o.lastFailed.file, err)
		}
		failures, source = f, o.lastFailed.file
	default:
		recorded := false
		if cache != nil {
			f, ok, err := cache.Load()
			var corrupt *lastfailed.CorruptError
			if errors.As(err, &corrupt) {
				fmt.Fprintf(stderr, "gorerun: warning: %v\n", err)
				err = nil
			}
			if err != nil {
				return nil, 0, "", err
			}
			failures, recorded, source = f, ok, cache.Path()
		}
		if !recorded && haveUpdateXML {
			f, err := lastfailed.FromFile(o.updateXML)
			if err != nil {
				return nil, 0, "", fmt.Errorf("--update-xml %s: %w", o.updateXML, err)
			}
			failures, source = f, o.updateXML
		}
		if source == "" || (!recorded && !haveUpdateXML) {
			return nil, 0, "no previous failures recorded; " + whatNow(o), nil
		}
	}
	pkgs, err := runner.ListPackages(ctx, cfg)
	if err != nil {
		return nil, 0, "", err
	}
	wanted := map[string]bool{}
	for _, p := range pkgs {
		wanted[p] = true
	}
	reruns := failures.Reruns(func(p string) bool { return wanted[p] })
	if len(reruns) == 0 {
		return nil, 0, "no failures in " + source + " for these packages; " + whatNow(o), nil
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
	return reruns, made, note, nil
}

func whatNow(o *options) string {
	if o.lastFailedNone == "none" {
		return "nothing to run (--last-failed-no-failures=none)"
	}
	return "running everything"
}

// readUpdateXML reads the report --update-xml will update, so that a bad
// one is refused before anything runs.
func readUpdateXML(path string) ([]byte, error) {
	b, err := inputfile.Read(path, inputfile.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("--update-xml: %w", err)
	}
	if _, _, err := junitout.Update(b, &junitout.Testsuites{}, junitout.UpdateOptions{}); err != nil {
		return nil, fmt.Errorf("--update-xml %s: %w; it was left unchanged", path, err)
	}
	return b, nil
}

// updateReport merges the run into the --update-xml report, atomically.
func updateReport(o *options, report *grouping.Report, old []byte, opts junitout.Options) (junitout.Totals, error) {
	run := junitout.Build(report, opts)
	out, totals, err := junitout.Update(old, run, junitout.UpdateOptions{OnlyLast: o.rerunOnlyLast})
	if err != nil {
		return totals, fmt.Errorf("--update-xml %s: %w", o.updateXML, err)
	}
	if err := atomicfile.WriteFile(o.updateXML, out); err != nil {
		return totals, fmt.Errorf("--update-xml: %w", err)
	}
	return totals, nil
}

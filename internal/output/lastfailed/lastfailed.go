// Package lastfailed remembers which groups did not pass, across runs, for
// --last-failed: a small cache file (like pytest's .pytest_cache), or the
// failures read back from a JUnit report (gorerun's, gotestsum's,
// go-junit-report's) or a --jsonfile stream.
package lastfailed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/file/atomicfile"
	"github.com/gorerun/gorerun/internal/file/filelock"
	"github.com/gorerun/gorerun/internal/file/inputfile"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/testjson"
)

// DirName is the cache directory created in the main module's root.
const DirName = ".gorerun"

const (
	cacheFile = "lastfailed.json"
	lockFile  = "lastfailed.lock"
)

// cacheVersion is written into the cache file; other versions are ignored.
const cacheVersion = 1

type cacheData struct {
	Version  int               `json:"version"`
	Packages grouping.Failures `json:"packages"`
}

// Cache is the failures file in a cache directory.
type Cache struct {
	Dir string
}

// Path is the cache file's path.
func (c Cache) Path() string { return filepath.Join(c.Dir, cacheFile) }

// CorruptError is a cache file that is not a gorerun last-failed cache
// (garbage, an unknown version, wrong types). Load moves it aside and
// reports nothing recorded.
type CorruptError struct {
	Path, Backup, Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s is not a last-failed cache gorerun can read (%s): moved it to %s and started afresh", e.Path, e.Reason, e.Backup)
}

// Load reads the recorded failures. ok is false when nothing was recorded.
// A corrupt cache file is moved to lastfailed.json.corrupt and Load
// returns nothing recorded with a *CorruptError, which callers show as a
// warning.
func (c Cache) Load() (f grouping.Failures, ok bool, err error) {
	b, err := inputfile.Read(c.Path(), inputfile.MaxSize) // never blocks on a FIFO
	if errors.Is(err, os.ErrNotExist) {
		return grouping.Failures{}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading the last-failed cache: %w", err)
	}
	var d cacheData
	reason := ""
	switch err := json.Unmarshal(b, &d); {
	case err != nil:
		reason = err.Error()
	case d.Version != cacheVersion:
		reason = fmt.Sprintf("version %d, want %d", d.Version, cacheVersion)
	}
	if reason != "" {
		cerr := &CorruptError{Path: c.Path(), Backup: c.Path() + ".corrupt", Reason: reason}
		if err := os.Rename(c.Path(), cerr.Backup); err != nil {
			return nil, false, fmt.Errorf("moving the corrupt last-failed cache aside: %w", err)
		}
		return grouping.Failures{}, false, cerr
	}
	if d.Packages == nil {
		d.Packages = grouping.Failures{}
	}
	for pkg, pf := range d.Packages {
		if pf == nil {
			delete(d.Packages, pkg)
		}
	}
	return d.Packages, true, nil
}

// Save records failures atomically, creating the directory with a
// .gitignore that ignores everything in it.
func (c Cache) Save(f grouping.Failures) error {
	if err := c.save(f); err != nil {
		return fmt.Errorf("the last-failed cache was not saved: %w", err)
	}
	return nil
}

func (c Cache) save(f grouping.Failures) error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("creating the cache directory: %w", err)
	}
	ignore := filepath.Join(c.Dir, ".gitignore")
	if _, err := os.Stat(ignore); errors.Is(err, os.ErrNotExist) {
		if err := atomicfile.WriteFile(ignore, []byte("# created by gorerun\n*\n")); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(cacheData{Version: cacheVersion, Packages: f}, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the last-failed cache: %w", err)
	}
	return atomicfile.WriteFile(c.Path(), append(b, '\n'))
}

// Update folds a run into the cache (see grouping.Failures.Update) under
// an advisory lock, so that concurrent runs in one module (parallel shards,
// two terminals) never lose each other's entries. warn is a *CorruptError
// when the old cache could not be read; the update still happened.
func (c Cache) Update(r *grouping.Report) (warn, err error) {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("the last-failed cache was not saved: creating the cache directory: %w", err)
	}
	release, err := filelock.Lock(filepath.Join(c.Dir, lockFile))
	if err != nil {
		return nil, fmt.Errorf("the last-failed cache was not saved: %w", err)
	}
	defer release()
	old, _, err := c.Load()
	var corrupt *CorruptError
	if errors.As(err, &corrupt) {
		warn, err = err, nil
	}
	if err != nil {
		return nil, err
	}
	return warn, c.Save(old.Update(r))
}

// FromFile reads failures from a JUnit report or a go test -json /
// --jsonfile stream, telling them apart by their first character.
func FromFile(path string) (grouping.Failures, error) {
	b, err := inputfile.Read(path, inputfile.MaxSize)
	if err != nil {
		return nil, err
	}
	switch {
	case len(bytes.TrimLeft(b, " \t\r\n\ufeff")) == 0:
		return nil, fmt.Errorf("%s: empty file: give a JUnit report or a --jsonfile stream", path)
	case junitout.IsReport(b):
		f, err := FromJUnit(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return f, nil
	default:
		f, err := FromStream(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return f, nil
	}
}

// FromJUnit reads the failures of a JUnit report. A test that appears more
// than once (gotestsum writes one testcase per attempt) counts by its last
// appearance. A testcase named TestMain or "[build failed]" marks its whole
// package.
func FromJUnit(b []byte) (grouping.Failures, error) {
	suites, err := junitout.ReadSuites(b)
	if err != nil {
		return nil, err
	}
	type key struct{ pkg, name string }
	failed := map[key]bool{}
	attempts := map[key]int{} // testcases (gotestsum: one per attempt) or rerun elements + 1
	var order []key
	for _, s := range suites {
		for _, c := range s.Testcases {
			pkg, name := packageAndName(s.Name, c.Classname, c.Name)
			k := key{pkg, name}
			if _, seen := failed[k]; !seen {
				order = append(order, k)
			}
			st := c.State()
			failed[k] = st == junitout.Failed || st == junitout.Errored
			attempts[k] = max(attempts[k]+1, 1+len(c.RerunFailures)+len(c.RerunErrors)+len(c.FlakyFailures)+len(c.FlakyErrors))
		}
	}
	f := grouping.Failures{}
	for _, k := range order {
		if !failed[k] {
			continue
		}
		top, _, _ := strings.Cut(k.name, "/")
		if top == "TestMain" || strings.HasPrefix(top, "[") {
			top = ""
		}
		f.Add(k.pkg, top)
		f.SetAttempts(k.pkg, top, attempts[k])
	}
	return f, nil
}

// packageAndName recovers the import path and full test name from a
// testcase, for classname = import path (gorerun's default, gotestsum,
// go-junit-report) and for gorerun's --junit-classname=group.
func packageAndName(suite, classname, name string) (string, string) {
	switch {
	case classname == "" || classname == suite:
		if suite == "" {
			return classname, name
		}
		return suite, name
	case suite != "" && strings.HasPrefix(classname, suite+"."):
		top := classname[len(suite)+1:]
		if name == top {
			return suite, name
		}
		return suite, top + "/" + name
	}
	return classname, name
}

// FromStream reads the failures of a go test -json stream or a --jsonfile
// stream (whose events carry "Attempt"): the last attempt of each group
// decides.
func FromStream(r io.Reader) (grouping.Failures, error) {
	trackers := map[int]*grouping.Tracker{}
	var attempts []int
	d := testjson.NewDecoder(r)
	for d.Scan() {
		ev := d.Event()
		if ev.NotJSON {
			continue
		}
		n := max(ev.Attempt, 1)
		tr := trackers[n]
		if tr == nil {
			tr = grouping.NewTracker(grouping.Options{Attempt: n, MaxOutput: 1})
			trackers[n] = tr
			attempts = append(attempts, n)
		}
		tr.Add(ev)
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	if d.Events() == 0 {
		return nil, errors.New("not a go test -json stream")
	}
	sort.Ints(attempts)
	report := &grouping.Report{}
	for _, n := range attempts {
		report.Add(trackers[n].Finish())
	}
	return report.Failures(), nil
}

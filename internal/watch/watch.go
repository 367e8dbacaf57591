// Package watch runs tests when Go files change, for the developer's
// terminal (gorerun --watch): it watches every directory of a tree
// (github.com/fsnotify/fsnotify), runs the changed package's tests once
// per burst of saves, and takes keys: r reruns the last run, a runs all,
// l runs what failed last, q quits.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Request is one run of the tests.
type Request struct {
	// Packages are package patterns relative to Dir ("./pkg", "./...").
	Packages []string
	// Dir is where go test runs: the tree's root, or the changed
	// package's directory with Config.Chdir.
	Dir string
	// LastFailed runs only what failed last time (key l).
	LastFailed bool
}

// Config is a watch session.
type Config struct {
	Root string   // the tree to watch
	All  []string // the packages key a runs (./... when empty)
	// Clear clears the screen before each run; Chdir runs go test in the
	// changed package's directory (gotestsum's --watch-chdir).
	Clear, Chdir bool
	// Debounce is how long the tree must be quiet after a change before
	// the run starts: a burst of saves is one run (200ms when zero).
	Debounce time.Duration
	// Run runs the tests of one request and returns its exit code.
	Run func(ctx context.Context, r Request) int
	// Keys are the keys pressed (nil: none); Out gets watch's own lines.
	Keys io.Reader
	Out  io.Writer
}

// ErrQuit is returned when the user pressed q.
var ErrQuit = errors.New("quit")

// Run watches until the context is done (its error is returned) or q is
// pressed (ErrQuit).
func Run(ctx context.Context, cfg Config) error {
	if cfg.Debounce <= 0 {
		cfg.Debounce = 200 * time.Millisecond
	}
	if len(cfg.All) == 0 {
		cfg.All = []string{"./..."}
	}
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("--watch: %w", err)
	}
	defer w.Close()
	n, _, err := addTree(w, root)
	if err != nil {
		return fmt.Errorf("--watch: %w", err)
	}
	keys := make(chan byte)
	if cfg.Keys != nil {
		go readKeys(cfg.Keys, keys)
	}
	fmt.Fprintf(cfg.Out, "gorerun: watching %d directories under %s for changes to .go files; keys: r rerun, a all, l last failed, q quit\n", n, root)

	wt := &watcher{cfg: cfg, root: root, w: w, changed: map[string]bool{}, quiet: time.NewTimer(time.Hour)}
	wt.quiet.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-w.Errors:
			fmt.Fprintf(cfg.Out, "gorerun: watch: %v\n", err)
		case ev := <-w.Events:
			wt.fileEvent(ev)
		case <-wt.quiet.C:
			r := request(root, wt.changed, cfg.Chdir)
			clear(wt.changed)
			if len(r.Packages) > 0 {
				wt.run(ctx, r)
			}
		case k, ok := <-keys:
			if !ok {
				keys = nil // no more keys (stdin closed): watch on
				continue
			}
			if k == 'q' {
				return ErrQuit
			}
			wt.key(ctx, k)
		}
	}
}

// watcher is the state of a watch: the directories with changed .go
// files since the last run, the timer that runs them once saves stop, and
// the last run (for the r key).
type watcher struct {
	cfg     Config
	root    string
	w       *fsnotify.Watcher
	last    *Request
	changed map[string]bool // directories with changed .go files
	quiet   *time.Timer
}

// fileEvent notes a changed .go file, and watches a new directory.
func (wt *watcher) fileEvent(ev fsnotify.Event) {
	if ev.Has(fsnotify.Create) {
		if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
			wt.newDir(ev.Name)
			return
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		_ = wt.w.Remove(ev.Name) // a removed directory drops out; a file is not watched on its own
	}
	if strings.HasSuffix(ev.Name, ".go") && (ev.Has(fsnotify.Write) || ev.Has(fsnotify.Create) || ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove)) {
		wt.changed[filepath.Dir(ev.Name)] = true
		wt.quiet.Reset(wt.cfg.Debounce)
	}
}

// newDir watches a directory created under the root, with its .go files.
func (wt *watcher) newDir(dir string) {
	if skipDir(wt.root, dir) {
		return
	}
	_, files, err := addTree(wt.w, dir)
	if err != nil {
		fmt.Fprintf(wt.cfg.Out, "gorerun: watch: %v\n", err)
	}
	// Files written before the new directory was watched (git checkout,
	// mkdir -p and a save at once) sent no event: they changed all the
	// same.
	for _, f := range files {
		wt.changed[filepath.Dir(f)] = true
	}
	if len(files) > 0 {
		wt.quiet.Reset(wt.cfg.Debounce)
	}
}

// key runs what a key asks for: r reruns the last run, a runs all, l runs
// what failed last.
func (wt *watcher) key(ctx context.Context, k byte) {
	all := Request{Packages: wt.cfg.All, Dir: wt.root}
	switch k {
	case 'r':
		if wt.last != nil {
			wt.run(ctx, *wt.last)
		} else {
			wt.run(ctx, all)
		}
	case 'a':
		wt.run(ctx, all)
	case 'l':
		all.LastFailed = true
		wt.run(ctx, all)
	}
}

// run runs a request and says so.
func (wt *watcher) run(ctx context.Context, r Request) {
	if wt.cfg.Clear {
		fmt.Fprint(wt.cfg.Out, "\x1b[H\x1b[2J")
	}
	fmt.Fprintf(wt.cfg.Out, "gorerun: running %s\n", describe(r))
	code := wt.cfg.Run(ctx, r)
	wt.last = &r
	if ctx.Err() == nil {
		fmt.Fprintf(wt.cfg.Out, "gorerun: exit %d; watching for changes (r rerun, a all, l last failed, q quit)\n", code)
	}
}

// request runs the packages of the changed directories.
func request(root string, dirs map[string]bool, chdir bool) Request {
	var pkgs []string
	for dir := range dirs {
		if _, err := os.Stat(dir); err != nil {
			continue // removed
		}
		rel, err := filepath.Rel(root, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(rel))
	}
	sort.Strings(pkgs)
	if len(pkgs) == 1 && chdir {
		return Request{Packages: []string{"."}, Dir: filepath.Join(root, pkgs[0])}
	}
	for i, p := range pkgs {
		if p == "./." {
			pkgs[i] = "."
		}
	}
	return Request{Packages: pkgs, Dir: root}
}

func describe(r Request) string {
	what := strings.Join(r.Packages, " ")
	if len(r.Packages) == 1 && r.Packages[0] == "." {
		what = ". in " + r.Dir
	}
	if r.LastFailed {
		what = "what failed last time in " + what
	}
	return what
}

// addTree watches dir and every directory below it that go test could
// hold packages in: not vendor, testdata, or names starting with . or _.
// It returns how many it watches and the .go files they hold.
func addTree(w *fsnotify.Watcher, dir string) (n int, goFiles []string, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil // gone or unreadable meanwhile: not watched
		}
		if !d.IsDir() {
			if strings.HasSuffix(path, ".go") {
				goFiles = append(goFiles, path)
			}
			return nil
		}
		if path != dir && skipDir(dir, path) {
			return filepath.SkipDir
		}
		if err := w.Add(path); err != nil {
			return fmt.Errorf("watching %s: %w", path, err)
		}
		n++
		return nil
	})
	return n, goFiles, err
}

// skipDir reports whether go test ignores the directory (its last element).
func skipDir(root, path string) bool {
	name := filepath.Base(path)
	return name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// readKeys sends each byte read to keys, and closes keys at the end.
func readKeys(r io.Reader, keys chan<- byte) {
	defer close(keys)
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			keys <- b[0]
		}
		if err != nil {
			return
		}
	}
}

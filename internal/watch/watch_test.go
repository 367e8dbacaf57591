package watch

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRequest(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"a", "b/c"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	dirs := func(names ...string) map[string]bool {
		m := map[string]bool{}
		for _, n := range names {
			m[filepath.Join(root, n)] = true
		}
		return m
	}
	for _, tc := range []struct {
		name  string
		dirs  map[string]bool
		chdir bool
		want  Request
	}{
		{"one package", dirs("a"), false, Request{Packages: []string{"./a"}, Dir: root}},
		{"several, sorted", dirs("b/c", "a"), false, Request{Packages: []string{"./a", "./b/c"}, Dir: root}},
		{"the root package", dirs("."), false, Request{Packages: []string{"."}, Dir: root}},
		{"removed directories are left out", dirs("a", "gone"), false, Request{Packages: []string{"./a"}, Dir: root}},
		{"--watch-chdir", dirs("b/c"), true, Request{Packages: []string{"."}, Dir: filepath.Join(root, "b/c")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := request(root, tc.dirs, tc.chdir); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("request = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSkipDir(t *testing.T) {
	for name, skip := range map[string]bool{"vendor": true, "testdata": true, ".git": true, "_old": true, "pkg": false, "v2": false} {
		if got := skipDir("/r", "/r/x/"+name); got != skip {
			t.Errorf("skipDir(%s) = %v, want %v", name, got, skip)
		}
	}
}

// lineWriter is an io.Writer that hands each write to a channel, so that
// a test can wait for what Run prints.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

// TestDebounceCountsFromTheLastSave: a save during the quiet period
// starts it again: the run starts a whole debounce after the last save of
// a burst. Only lower bounds on time are
// asserted (a busy machine makes runs later, never earlier); when the
// machine is so slow that the second save comes after the quiet period,
// the burst was no burst and the attempt is repeated.
func TestDebounceCountsFromTheLastSave(t *testing.T) {
	const debounce = 1500 * time.Millisecond
	for try := 0; try < 3; try++ {
		root := t.TempDir()
		file := filepath.Join(root, "a.go")
		os.WriteFile(file, []byte("package a\n"), 0o644)
		runs := make(chan time.Time, 10)
		out := make(lineWriter, 100)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- Run(ctx, Config{Root: root, Debounce: debounce, Out: out,
				Run: func(context.Context, Request) int { runs <- time.Now(); return 0 }})
		}()
		for line := <-out; !strings.Contains(line, "watching"); line = <-out {
		}
		first := time.Now()
		os.WriteFile(file, []byte("package a\n// 1\n"), 0o644)
		time.Sleep(debounce / 3)
		second := time.Now() // before the write: its event comes after this
		os.WriteFile(file, []byte("package a\n// 2\n"), 0o644)
		at := <-runs
		cancel()
		<-done
		if second.Sub(first) >= debounce || at.Before(second) {
			continue // the machine was too busy for a burst: try again
		}
		if wait := at.Sub(second); wait < debounce {
			t.Fatalf("the run started %v after the last save, before the %v debounce", wait, debounce)
		}
		return
	}
	t.Skip("the machine was too busy to save twice within the debounce, three times")
}

// TestNewDirectoryWithFilesRuns: a directory that appears with its .go
// files already in it (mkdir -p and a save at once, git checkout) runs
// its package, though its files were written before it was watched.
func TestNewDirectoryWithFilesRuns(t *testing.T) {
	root := t.TempDir()
	runs := make(chan Request, 10)
	out := make(lineWriter, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go Run(ctx, Config{Root: root, Debounce: 50 * time.Millisecond, Out: out,
		Run: func(_ context.Context, r Request) int { runs <- r; return 0 }})
	for line := <-out; !strings.Contains(line, "watching"); line = <-out {
	}
	// Written in a temporary place and moved in whole: no event can tell
	// of the file inside, only of the directory.
	staging := filepath.Join(t.TempDir(), "b")
	os.MkdirAll(staging, 0o755)
	os.WriteFile(filepath.Join(staging, "b_test.go"), []byte("package b\n"), 0o644)
	if err := os.Rename(staging, filepath.Join(root, "b")); err != nil {
		t.Skipf("cannot move a directory into the watched tree: %v", err)
	}
	select {
	case r := <-runs:
		if !reflect.DeepEqual(r.Packages, []string{"./b"}) {
			t.Errorf("ran %v, want ./b", r.Packages)
		}
	case <-time.After(time.Minute): // without the fix it never runs
		t.Fatal("the new directory's package never ran")
	}
}

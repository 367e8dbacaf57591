// Package coverage gives each go test process of a run its own coverage
// profile and merges them into the one file the user named with
// -coverprofile: workers, reruns and resumed crashes would otherwise each
// overwrite it, leaving only the last process's tests covered.
package coverage

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/cover"

	"github.com/gorerun/gorerun/internal/file/atomicfile"
)

// Profiles hands out one profile file per process and merges them.
type Profiles struct {
	target string // the user's file, relative to the directory go test runs in
	dir    string // where go test runs (relative targets are resolved there)
	tmp    string
	mu     sync.Mutex
	n      int
}

// New returns the profiles of a run whose go test flags name target with
// -coverprofile, with go test running in dir; the temporary profiles live
// in a directory of their own until Merge.
func New(target, dir string) (*Profiles, error) {
	tmp, err := os.MkdirTemp("", "gorerun-cover")
	if err != nil {
		return nil, fmt.Errorf("-coverprofile: %w", err)
	}
	return &Profiles{target: target, dir: dir, tmp: tmp}, nil
}

// Next returns the profile file of the next process.
func (p *Profiles) Next() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	return filepath.Join(p.tmp, fmt.Sprintf("cover-%d.out", p.n))
}

// Merge writes every process's profile into the user's file: blocks that
// several processes covered (reruns, workers sharing a package's setup)
// are counted once in set mode and added up in count and atomic mode. It
// removes the temporary profiles.
func (p *Profiles) Merge() error {
	defer os.RemoveAll(p.tmp)
	entries, err := os.ReadDir(p.tmp)
	if err != nil {
		return fmt.Errorf("-coverprofile: %w", err)
	}
	byFile := map[string]*cover.Profile{}
	mode := ""
	for _, e := range entries {
		path := filepath.Join(p.tmp, e.Name())
		if mode == "" {
			mode = modeOf(path) // a profile of packages without statements has no block
		}
		profiles, err := cover.ParseProfiles(path)
		if err != nil {
			return fmt.Errorf("-coverprofile: reading a process's profile: %w", err)
		}
		for _, prof := range profiles {
			old := byFile[prof.FileName]
			if old == nil {
				byFile[prof.FileName] = prof
				continue
			}
			old.Blocks = mergeBlocks(old.Blocks, prof.Blocks, mode)
		}
	}
	if mode == "" {
		return nil // no process wrote a profile (nothing ran, a build failed)
	}
	target := p.target
	if !filepath.IsAbs(target) {
		target = filepath.Join(p.dir, target)
	}
	f, err := atomicfile.Create(target)
	if err != nil {
		return fmt.Errorf("-coverprofile: %w", err)
	}
	defer f.Abort()
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "mode: %s\n", mode)
	names := make([]string, 0, len(byFile))
	for name := range byFile {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, b := range byFile[name].Blocks {
			fmt.Fprintf(w, "%s:%d.%d,%d.%d %d %d\n", name, b.StartLine, b.StartCol, b.EndLine, b.EndCol, b.NumStmt, b.Count)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("-coverprofile: %w", err)
	}
	return f.Commit()
}

// modeOf reads the mode line that starts a profile ("" without one).
func modeOf(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if sc.Scan() {
		if mode, ok := strings.CutPrefix(sc.Text(), "mode: "); ok {
			return strings.TrimSpace(mode)
		}
	}
	return ""
}

// mergeBlocks merges two sorted block lists of one file.
func mergeBlocks(a, b []cover.ProfileBlock, mode string) []cover.ProfileBlock {
	index := make(map[[4]int]int, len(a))
	for i, blk := range a {
		index[key(blk)] = i
	}
	for _, blk := range b {
		i, ok := index[key(blk)]
		switch {
		case !ok:
			index[key(blk)] = len(a)
			a = append(a, blk)
		case mode == "set":
			a[i].Count = max(a[i].Count, blk.Count)
		default:
			a[i].Count += blk.Count
		}
	}
	sort.SliceStable(a, func(i, j int) bool {
		x, y := a[i], a[j]
		if x.StartLine != y.StartLine {
			return x.StartLine < y.StartLine
		}
		return x.StartCol < y.StartCol
	})
	return a
}

func key(b cover.ProfileBlock) [4]int { return [4]int{b.StartLine, b.StartCol, b.EndLine, b.EndCol} }

// Rewrite returns go test's arguments with -coverprofile's value replaced
// by file (args are not changed in place).
func Rewrite(args []string, file string) []string {
	out := append([]string(nil), args...)
	for i := 0; i < len(out); i++ {
		a := out[i]
		if a == "-args" || a == "--args" {
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.TrimPrefix(name, "test.") != "coverprofile" || !strings.HasPrefix(a, "-") {
			continue
		}
		if hasValue {
			out[i] = "-coverprofile=" + file
		} else if i+1 < len(out) {
			out[i+1] = file
			i++
		}
	}
	return out
}

package testbin

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gorerun/gorerun/internal/env/gomod"
)

// Store keeps the test binaries of a run (or of a hunt's runs) in one
// temporary directory, removed by Close, and says where each package's
// binary and source directory are. It is safe for concurrent use.
type Store struct {
	cfg Config

	mu      sync.Mutex
	tmp     string
	tmpErr  error
	bins    map[string]*build // by import path
	dirs    map[string]string // source directories, by import path
	modRoot string            // the main module's root and path (found once)
	modPath string
	modDone bool

	t2jOnce sync.Once
	t2j     string
	t2jErr  error
}

// Config is what a Store builds with.
type Config struct {
	Dir string   // where go commands run (the module's directory)
	Env []string // their environment (nil: os.Environ())
	// BuildFlags are the build flags of the user's go test flags (with
	// -cover when they ask for a coverage profile), for go test -c.
	BuildFlags []string
	// LinkFlags follow BuildFlags in the go commands that keep a binary:
	// go test -c here, a first round's go test with KeepArgs.
	LinkFlags []string
	// GoOutput runs a go command in Dir with Env and returns its standard
	// output (the runner's, which --debug logs).
	GoOutput func(ctx context.Context, args ...string) (string, error)
	// Keep, if set, is a directory that keeps the binaries from run to
	// run (GORERUN_BINARIES_DIR), in a subdirectory per module, build
	// flags and build environment: go test skips the link of a package
	// whose binary there is up to date. Empty: a temporary directory,
	// removed by Close.
	Keep string
}

// build is one package's binary, built once.
type build struct {
	done chan struct{}
	path string
	err  error
}

// New returns an empty store; it creates its directory when first needed.
func New(cfg Config) *Store {
	return &Store{cfg: cfg, bins: map[string]*build{}, dirs: map[string]string{}}
}

// dir returns the store's directory, created once.
func (s *Store) dir() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tmp == "" && s.tmpErr == nil {
		if s.cfg.Keep != "" {
			s.tmp = filepath.Join(s.cfg.Keep, s.keepKey())
			s.tmpErr = os.MkdirAll(s.tmp, 0o755)
		} else {
			s.tmp, s.tmpErr = os.MkdirTemp("", "gorerun-bin-")
		}
	}
	return s.tmp, s.tmpErr
}

// buildEnv are the environment variables that change what the go command
// builds (go help environment).
var buildEnv = map[string]bool{
	"GOFLAGS": true, "GOOS": true, "GOARCH": true, "GOEXPERIMENT": true, "GOROOT": true, "GOTOOLCHAIN": true,
	"GOWORK": true, "GOAMD64": true, "GOARM": true, "GOARM64": true, "GO386": true, "GOMIPS": true,
	"GOMIPS64": true, "GOPPC64": true, "GORISCV64": true, "GOWASM": true, "GOFIPS140": true, "CC": true, "CXX": true,
}

// keepKey names the subdirectory of Keep for what shapes a binary: the
// module directory, the build flags and the environment the go command
// builds with. Runs that share it build the same binaries, so one run's
// binary is another's (go replaces an out-of-date one by renaming).
func (s *Store) keepKey() string {
	h := sha256.New()
	dir, _ := filepath.Abs(cmp.Or(s.cfg.Dir, "."))
	fmt.Fprintf(h, "%s\x00%s\x00", dir, strings.Join(slices.Concat(s.cfg.BuildFlags, s.cfg.LinkFlags), "\x00"))
	env := s.cfg.Env
	if env == nil {
		env = os.Environ()
	}
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); buildEnv[k] || strings.HasPrefix(k, "CGO_") {
			fmt.Fprintf(h, "%s\x00", kv)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// KeepArgs are the go test flags that make a first round keep the
// binaries it builds in the store, linked as the store links its own:
// -o and the directory (with a trailing slash), then LinkFlags. Adopt the
// binaries after the run.
func (s *Store) KeepArgs() ([]string, error) {
	d, err := s.dir()
	if err != nil {
		return nil, err
	}
	return append([]string{"-o", d + string(filepath.Separator)}, s.cfg.LinkFlags...), nil
}

// Adopt takes the binaries a go test run with KeepArgs kept for pkgs.
// Packages whose results came from go test's cache have one too; those
// that did not build, or have no tests, have none.
func (s *Store) Adopt(pkgs []string) {
	d, err := s.dir()
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pkg := range pkgs {
		if s.bins[pkg] != nil {
			continue
		}
		p := filepath.Join(d, ExecName(pkg))
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			b := &build{done: make(chan struct{}), path: p}
			close(b.done)
			s.bins[pkg] = b
		}
	}
}

// SetDir records a package's source directory (known from go list).
func (s *Store) SetDir(pkg, dir string) {
	s.mu.Lock()
	s.dirs[pkg] = dir
	s.mu.Unlock()
}

// Binary returns the package's test binary, building it once with go test
// -c when no run kept it.
func (s *Store) Binary(ctx context.Context, pkg string) (string, error) {
	s.mu.Lock()
	b := s.bins[pkg]
	owner := b == nil
	if owner {
		b = &build{done: make(chan struct{})}
		s.bins[pkg] = b
	}
	s.mu.Unlock()
	if owner {
		b.path, b.err = s.build(ctx, pkg)
		close(b.done)
	}
	select {
	case <-b.done:
		return b.path, b.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// build builds a package's test binary with go test -c.
func (s *Store) build(ctx context.Context, pkg string) (string, error) {
	d, err := s.dir()
	if err != nil {
		return "", err
	}
	out := filepath.Join(d, strings.NewReplacer("/", "_", "\\", "_", ":", "_").Replace(pkg)+".pkg.test")
	args := slices.Concat([]string{"test", "-c", "-o", out}, s.cfg.BuildFlags, s.cfg.LinkFlags)
	if _, err := s.cfg.GoOutput(ctx, append(args, pkg)...); err != nil {
		return "", fmt.Errorf("building the test binary of %s: %w", pkg, err)
	}
	if _, err := os.Stat(out); err != nil {
		return "", fmt.Errorf("%s has no test binary", pkg) // no test files
	}
	return out, nil
}

// SourceDir returns the package's source directory, where go test runs
// its binary: recorded, else below the main module's root, else from go
// list.
func (s *Store) SourceDir(ctx context.Context, pkg string) (string, error) {
	s.mu.Lock()
	d, ok := s.dirs[pkg]
	if !ok && !s.modDone {
		s.modRoot, s.modPath = gomod.Find(cmp.Or(s.cfg.Dir, "."))
		s.modDone = true
	}
	root, mod := s.modRoot, s.modPath
	s.mu.Unlock()
	if ok {
		return d, nil
	}
	if mod != "" && (pkg == mod || strings.HasPrefix(pkg, mod+"/")) {
		d = filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(pkg, mod)))
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			s.SetDir(pkg, d)
			return d, nil
		}
	}
	out, err := s.cfg.GoOutput(ctx, "list", "-f", "{{.Dir}}", pkg)
	if err != nil {
		return "", err
	}
	d = strings.TrimSpace(out)
	if d == "" {
		return "", fmt.Errorf("go list: no directory for %s", pkg)
	}
	s.SetDir(pkg, d)
	return d, nil
}

// Test2JSON returns the path of the go command's test2json (go tool -n
// test2json builds it once into the build cache). Prefetch starts looking
// it up early.
func (s *Store) Test2JSON(ctx context.Context) (string, error) {
	s.t2jOnce.Do(func() {
		out, err := s.cfg.GoOutput(ctx, "tool", "-n", "test2json")
		s.t2j, s.t2jErr = strings.TrimSpace(out), err
		if err == nil && s.t2j == "" {
			s.t2jErr = errors.New("go tool -n test2json printed nothing")
		}
	})
	return s.t2j, s.t2jErr
}

// Prefetch looks test2json up on a goroutine of its own.
func (s *Store) Prefetch(ctx context.Context) {
	go s.Test2JSON(context.WithoutCancel(ctx))
}

// Close removes the binaries (unless Keep keeps them).
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tmp == "" || s.cfg.Keep != "" {
		return nil
	}
	err := os.RemoveAll(s.tmp)
	s.tmp, s.bins = "", map[string]*build{}
	return err
}

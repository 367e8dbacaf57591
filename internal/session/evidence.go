package session

import (
	"cmp"
	"path/filepath"
	"sync"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/runner/reproduce"
)

// reproduceFunc gives the command that runs a failed group again ("" for
// a group that never failed).
type reproduceFunc = func(*grouping.PackageHistory, *grouping.History) string

// reproducer gives, for the outputs, the command that runs a failed group
// again as its failed attempt ran: nil for a recorded stream (--input:
// the flags of the run that wrote it are unknown) and with --raw-command
// (its flags are a command, not go test's). Packages are written
// ./relative when go test runs in the module's root (gorerun's -C becomes
// go test's), as a user there types them.
func reproducer(f *facts, cfg Config, modulePath string) reproduceFunc {
	if cfg.RawCommand || cfg.Input != "" {
		return nil
	}
	// Built when a group first failed: a passing run asks go for nothing.
	commands := sync.OnceValue(func() reproduce.Commands {
		dir, err := filepath.Abs(cmp.Or(cfg.Dir, "."))
		inRoot := err == nil && dir == f.moduleRoot()
		return reproduce.Commands{Flags: cfg.GoFlags, ModulePath: modulePath, InRoot: inRoot, Chdir: cfg.Dir}
	})
	return func(ph *grouping.PackageHistory, h *grouping.History) string {
		if reproduce.Attempt(h) == nil {
			return "" // nothing to reproduce, and no question to go
		}
		return commands().For(ph, h)
	}
}

// attachmentsBase is the directory JUnit attachment paths are written
// relative to: gorerun's working directory with --junitfile-attachments
// relative (GitLab's project directory), "" for absolute paths.
func attachmentsBase(cfg Config) string {
	if cfg.JUnitAttachments != "relative" {
		return ""
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		return ""
	}
	return dir
}

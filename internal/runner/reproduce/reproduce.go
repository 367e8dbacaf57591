// Package reproduce writes the command that runs one failed group again,
// as a user would paste it into a shell: go test with -count=1, a -run
// pattern that selects exactly the group, the flags of the run that change
// how the tests behave, the shuffle seed of the attempt that failed, and
// GORERUN_ATTEMPT of that attempt.
package reproduce

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/env/gomod"
	"github.com/gorerun/gorerun/internal/runner/testbin"
)

// Commands writes reproduction commands for the groups of one run.
type Commands struct {
	// Flags are the user's go test flags, as given to go test (with
	// anything after -args for the test binary).
	Flags []string
	// ModulePath is the main module; InRoot is set when go test runs in
	// its root directory: packages are then written ./relative, as a user
	// types them, and by import path otherwise.
	ModulePath string
	InRoot     bool
	// Chdir is gorerun's -C, given to go test as its -C (a user runs the
	// command where they ran gorerun).
	Chdir string
}

// dropped are go test flags a reproduction leaves out: the ones gorerun
// replaces (-run, -count, -shuffle), and the ones that only say where
// output goes or how it is shown.
var dropped = map[string]bool{
	"run": true, "count": true, "shuffle": true, "json": true, "v": true, "o": true, "c": true,
	"coverprofile": true, "cpuprofile": true, "memprofile": true, "blockprofile": true,
	"mutexprofile": true, "trace": true, "outputdir": true, "artifacts": true, "fullpath": true,
}

// For returns the command that reruns group h of package ph as its last
// failed attempt ran, or "" when no attempt of it failed.
func (c Commands) For(ph *grouping.PackageHistory, h *grouping.History) string {
	failed := Attempt(h)
	if failed == nil {
		return ""
	}
	return c.command(ph.ImportPath, h.Name, failed.Attempt, ph.Seed(failed.Attempt))
}

// Attempt is the attempt of group h a command reproduces: the last that
// failed (an interrupted one did not), or nil.
func Attempt(h *grouping.History) *grouping.Group {
	var failed *grouping.Group
	for _, g := range h.Runs {
		if g.Status().Failed() && g.Status() != grouping.Interrupted {
			failed = g
		}
	}
	return failed
}

// command writes the command line.
func (c Commands) command(pkg, group string, attempt int, seed string) string {
	words := []string{"GORERUN_ATTEMPT=" + strconv.Itoa(attempt), "go", "test"}
	if c.Chdir != "" {
		words = append(words, "-C", c.Chdir) // go's -C must come first
	}
	words = append(words, "-count=1", "-run", "^"+regexp.QuoteMeta(group)+"$")
	if seed != "" {
		words = append(words, "-shuffle="+seed)
	}
	flags, binary := c.split()
	words = append(words, flags...)
	words = append(words, c.packageArg(pkg))
	if len(binary) > 0 {
		words = append(append(words, "-args"), binary...)
	}
	for i, w := range words {
		words[i] = Quote(w)
	}
	return strings.Join(words, " ")
}

// split returns the user's flags a reproduction keeps, and the test
// binary's own arguments (after -args).
func (c Commands) split() (kept, binary []string) {
	own, binary := testbin.SplitArgs(c.Flags)
	for i := 0; i < len(own); i++ {
		name, _, hasValue := testbin.ParseFlag(own[i])
		n := 1
		if !hasValue && testbin.TakesValue(name) && i+1 < len(own) {
			n = 2 // the value is the next argument
		}
		if !dropped[name] {
			kept = append(kept, own[i:i+n]...)
		}
		i += n - 1
	}
	return kept, binary
}

// packageArg is the package as the user would name it.
func (c Commands) packageArg(pkg string) string {
	if !c.InRoot || c.ModulePath == "" || (pkg != c.ModulePath && !strings.HasPrefix(pkg, c.ModulePath+"/")) {
		return pkg
	}
	if rel := gomod.Relative(c.ModulePath, pkg); rel != "." {
		return "./" + rel
	}
	return "."
}

// Quote quotes a word for a POSIX shell when it needs it: in single
// quotes, each single quote in it closing, escaping and reopening them.
func Quote(w string) string {
	if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./,:+@%") == "" {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

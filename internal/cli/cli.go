// Package cli is what gorerun's commands share on the command line: the
// exit codes, the usage error (exit 2), and flag parsing with GNU-style
// flags that also takes Go-style long flags with one dash and suggests
// the nearest flag for a typo.
package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// UsageError is an invocation refused before anything ran: exit 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usage marks err as a usage error. Usage(nil) is nil.
func Usage(err error) error {
	if err == nil {
		return nil
	}
	return &UsageError{Err: err}
}

// IsUsage reports whether err is (or wraps) a usage error.
func IsUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}

// ErrHelpShown ends a command whose usage was printed: exit 0.
var ErrHelpShown = errors.New("help shown")

// ParseFlags parses a subcommand's args with fs. A bad flag is a usage
// error of one line (the caller prints it); -h and --help print the usage
// and return ErrHelpShown. Long flags written with one dash are accepted.
func ParseFlags(fs *pflag.FlagSet, args []string, usage func()) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(LongFlagsWithOneDash(fs, args))
	if errors.Is(err, pflag.ErrHelp) {
		usage()
		return ErrHelpShown
	}
	if err != nil {
		return Usage(FlagError(fs, err))
	}
	return nil
}

// SplitDashDash splits args at the first "--".
func SplitDashDash(args []string) ([]string, []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}

// LongFlagsWithOneDash rewrites -name (a long flag written Go style, with
// one dash) as --name, so that command lines written for the standard
// flag package keep working. Arguments after "--" are left alone.
func LongFlagsWithOneDash(fs *pflag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if len(name) > 1 && fs.Lookup(name) != nil {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

// FlagError makes pflag's error one line that says what to do: an unknown
// flag gets the closest known one.
func FlagError(fs *pflag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		if best := closestFlag(fs, name); best != "" {
			return fmt.Errorf("unknown flag --%s; did you mean --%s? (see gorerun --help)", name, best)
		}
		return fmt.Errorf("unknown flag --%s (see gorerun --help)", name)
	}
	if strings.HasPrefix(msg, "unknown shorthand flag: ") {
		return fmt.Errorf("%s (see gorerun --help)", strings.Replace(msg, "unknown shorthand flag: ", "unknown flag ", 1))
	}
	return fmt.Errorf("%s (see gorerun --help)", msg)
}

// closestFlag returns the known flag name nearest to name (edit distance
// at most a third of its length, or a prefix), or "".
func closestFlag(fs *pflag.FlagSet, name string) string {
	best, bestDist := "", len(name)/3+1
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := editDistance(name, f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 4 {
			d = min(d, 1)
		}
		if d < bestDist || (d == bestDist && best != "" && f.Name < best) {
			best, bestDist = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

package runner

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gorerun/gorerun/internal/runner/testbin"
)

// GoFlag finds the value of a go test flag (-name, --name, -test.name, with
// = or as the next argument) in args; the last one wins, as in go test.
func GoFlag(args []string, name string) (string, bool) {
	value, found := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" || a == "--args" {
			break // the test binary's own arguments
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		k, v, ok := testbin.ParseFlag(a)
		if ok {
			if k == name {
				value, found = v, true
			}
			continue
		}
		if k == name && i+1 < len(args) {
			value, found = args[i+1], true
			i++
		}
	}
	return value, found
}

// boolFlag reports whether a boolean go test flag is set in args.
func boolFlag(args []string, name string) bool {
	set := false
	for _, a := range args {
		if a == "-args" || a == "--args" {
			break // the test binary's own arguments
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		k, v, hasValue := testbin.ParseFlag(a)
		if k == name {
			set = !hasValue || v == "true" || v == "1"
		}
	}
	return set
}

// SplitPackages separates the package patterns among go test arguments from
// the flags, as gotestsum users write them (gotestsum -- -count=1 ./pkg).
// Everything after -args belongs to the test binary and stays a flag.
func SplitPackages(args []string) (flags, pkgs []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" || a == "--args" {
			return append(flags, args[i:]...), pkgs
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pkgs = append(pkgs, a)
			continue
		}
		flags = append(flags, a)
		if name, _, hasValue := testbin.ParseFlag(a); !hasValue && testbin.TakesValue(name) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return flags, pkgs
}

// CheckPatterns reports a -run or -skip value that the test binary would
// refuse, as go test's testing package splits and compiles it: each
// '/'-separated element (outside brackets and parentheses) must be a
// regular expression.
func CheckPatterns(flags []string) error {
	for _, name := range []string{"run", "skip"} {
		v, ok := GoFlag(flags, name)
		if !ok {
			continue
		}
		for _, elem := range splitRegexp(v) {
			if _, err := regexp.Compile(elem); err != nil {
				return fmt.Errorf("-%s %q: not a valid regular expression: %w", name, v, err)
			}
		}
	}
	return nil
}

// splitRegexp splits a -run pattern at '/' outside brackets and
// parentheses, as the testing package does.
func splitRegexp(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
			if depth < 0 {
				depth = 0
			}
		case '\\':
			i++
		case '/':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// buildFlagNames are the go build flags among go test's that change what
// is compiled (go help build): go list gets them too.
var buildFlagNames = map[string]bool{
	"tags": true, "race": true, "msan": true, "asan": true, "mod": true, "modfile": true,
	"gcflags": true, "ldflags": true, "asmflags": true, "gccgoflags": true, "overlay": true,
	"pgo": true, "trimpath": true, "buildvcs": true, "compiler": true, "installsuffix": true,
	"toolexec": true, "pkgdir": true, "cover": true, "covermode": true, "coverpkg": true,
	"buildmode": true, "linkshared": true,
}

// buildFlags returns the build flags among go test's args, with their
// values, for a go command that must build what go test builds.
func buildFlags(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" || a == "--args" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		takesValue := !hasValue && testbin.TakesValue(name) && i+1 < len(args)
		if buildFlagNames[name] {
			out = append(out, a)
			if takesValue {
				out = append(out, args[i+1])
			}
		}
		if takesValue {
			i++
		}
	}
	return out
}

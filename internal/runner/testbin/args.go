// Package testbin runs a package's test binary again without relinking
// it: the binary go test built (kept with go test -o, or built once with
// go test -c) runs in the package's directory, through test2json, with
// the arguments go test would give it. Reruns, --workers processes and
// --hunt runs pay one link per package instead of one per process.
package testbin

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// What go test's flags become for a kept binary (go help testflag, go help
// build).
var (
	// runValue are test flags the binary takes as -test.NAME=VALUE.
	runValue = map[string]bool{
		"bench": true, "benchtime": true, "count": true, "cpu": true, "list": true,
		"outputdir": true, "parallel": true, "run": true, "shuffle": true, "skip": true,
		"timeout": true, "blockprofilerate": true, "memprofilerate": true, "mutexprofilefraction": true,
	}
	// runBool are boolean test flags the binary takes as -test.NAME.
	runBool = map[string]bool{"artifacts": true, "benchmem": true, "failfast": true, "fullpath": true, "short": true}
	// buildValue and buildBool shaped the binary when it was built, or
	// are go test's own (-p, -vet, -json, -v, which -test.v=test2json
	// covers): a run leaves them out.
	buildValue = map[string]bool{
		"tags": true, "mod": true, "modfile": true, "gcflags": true, "ldflags": true, "asmflags": true,
		"gccgoflags": true, "overlay": true, "pgo": true, "buildvcs": true, "compiler": true,
		"installsuffix": true, "toolexec": true, "pkgdir": true, "covermode": true, "coverpkg": true,
		"buildmode": true, "p": true, "vet": true, "C": true, "covermeta": true,
	}
	buildBool = map[string]bool{
		"race": true, "msan": true, "asan": true, "trimpath": true, "linkshared": true, "cover": true,
		"a": true, "x": true, "work": true, "v": true, "json": true,
	}
)

// Args are the arguments of one run of a package's test binary.
type Args struct {
	// Flags are the user's go test flags, as given to go test (with
	// anything after -args for the binary itself).
	Flags []string
	// Extra are gorerun's own test flags for this process (-run, -skip,
	// -count), in go test's form; they come after the user's and win.
	Extra []string
	// CoverProfile, if set, is where this process writes its coverage
	// profile (the user's -coverprofile is given per process).
	CoverProfile string
	// Dir is go test's working directory: a relative -outputdir is
	// relative to it, and -artifacts without -outputdir writes there, as
	// go test tells its binary (which runs in the package's directory).
	Dir string
}

// BinaryArgs returns the test binary's arguments for a, as go test passes
// them: -test.paniconexit0, go test's default -test.timeout of 10m0s,
// -test.v=test2json, then the test flags translated to -test.NAME, then
// the arguments after -args. A flag a kept binary cannot honour (-exec,
// the profile flags whose files go test places, -o, -c, an unknown flag)
// is an error: the caller runs go test instead.
func BinaryArgs(a Args) ([]string, error) {
	out := []string{"-test.paniconexit0", "-test.timeout=10m0s", "-test.v=test2json"}
	flags, after := SplitArgs(a.Flags)
	for _, set := range [][]string{flags, a.Extra} {
		tr, err := translate(set, a.Dir)
		if err != nil {
			return nil, err
		}
		out = append(out, tr...)
	}
	if slices.Contains(out, "-test.artifacts") && !slices.ContainsFunc(out, func(f string) bool { return strings.HasPrefix(f, "-test.outputdir=") }) {
		out = append(out, "-test.outputdir="+a.Dir)
	}
	if a.CoverProfile != "" {
		out = append(out, "-test.coverprofile="+a.CoverProfile)
	}
	return append(out, after...), nil
}

// SplitArgs splits go test's flags from the binary's own: everything
// after -args (or --args), which own does not hold either.
func SplitArgs(flags []string) (own, binary []string) {
	for i, f := range flags {
		if f == "-args" || f == "--args" {
			return flags[:i], flags[i+1:]
		}
	}
	return flags, nil
}

// translate turns go test flags into the binary's; dir is go test's
// working directory.
func translate(flags []string, dir string) ([]string, error) {
	var out []string
	for i := 0; i < len(flags); i++ {
		f := flags[i]
		if !strings.HasPrefix(f, "-") {
			return nil, fmt.Errorf("unexpected argument %q", f)
		}
		name, value, hasValue := ParseFlag(f)
		if TakesValue(name) && !hasValue {
			if i+1 >= len(flags) {
				return nil, fmt.Errorf("flag -%s needs a value", name)
			}
			i++
			value, hasValue = flags[i], true
		}
		switch {
		case name == "outputdir" && value != "" && !filepath.IsAbs(value):
			out = append(out, "-test.outputdir="+filepath.Join(dir, value))
		case runValue[name]:
			out = append(out, "-test."+name+"="+value)
		case runBool[name] && hasValue:
			out = append(out, "-test."+name+"="+value)
		case runBool[name]:
			out = append(out, "-test."+name)
		case buildValue[name], buildBool[name], name == "coverprofile":
			// It shaped the binary (or, -coverprofile, is given per
			// process); nothing to pass.
		default:
			return nil, fmt.Errorf("flag -%s needs go test", name)
		}
	}
	return out, nil
}

// valueFlags are the go test and build flags that take a value as the next
// argument when written without "=" (go help testflag, go help build).
var valueFlags = map[string]bool{
	"bench": true, "benchtime": true, "blockprofile": true, "blockprofilerate": true, "count": true,
	"coverprofile": true, "covermode": true, "coverpkg": true, "cpu": true, "cpuprofile": true,
	"exec": true, "fuzz": true, "fuzzminimizetime": true, "fuzztime": true, "list": true,
	"memprofile": true, "memprofilerate": true, "mutexprofile": true, "mutexprofilefraction": true,
	"o": true, "outputdir": true, "p": true, "parallel": true, "run": true, "shuffle": true,
	"skip": true, "timeout": true, "trace": true, "vet": true, "tags": true, "ldflags": true,
	"gcflags": true, "asmflags": true, "gccgoflags": true, "mod": true, "modfile": true,
	"pkgdir": true, "toolexec": true, "overlay": true, "compiler": true, "installsuffix": true,
	"buildmode": true, "buildvcs": true, "pgo": true, "covermeta": true, "C": true,
}

// TakesValue reports whether go test flag name (without its dash) takes
// a value, which may come as the next argument.
func TakesValue(name string) bool { return valueFlags[name] }

// ParseFlag reads one go test flag argument as go test does: its name
// without dashes or a "test." prefix (-count, --count and -test.count are
// "count"), and its value when written with "=".
func ParseFlag(arg string) (name, value string, hasValue bool) {
	return strings.Cut(strings.TrimPrefix(strings.TrimLeft(arg, "-"), "test."), "=")
}

// ExecName is the file name go test -o DIR/ gives a package's test
// binary: the last element of its import path (the one before a major
// version suffix such as /v2), with ".test".
func ExecName(importPath string) string {
	elem := path.Base(importPath)
	if elem != importPath && isVersion(elem) {
		elem = path.Base(path.Dir(importPath))
	}
	return elem + ".test"
}

// isVersion reports whether elem is a major version suffix: v2, v3, ...
func isVersion(elem string) bool {
	if len(elem) < 2 || elem[0] != 'v' || elem[1] == '0' || elem == "v1" {
		return false
	}
	for _, c := range elem[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

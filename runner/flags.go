package runner

import "strings"

// goFlag finds the value of a go test flag (-name, --name, -test.name, with
// = or as the next argument) in args; the last one wins, as in go test.
func goFlag(args []string, name string) (string, bool) {
	value, found := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			continue
		}
		a = strings.TrimLeft(a, "-")
		a = strings.TrimPrefix(a, "test.")
		if k, v, ok := strings.Cut(a, "="); ok {
			if k == name {
				value, found = v, true
			}
			continue
		}
		if a == name && i+1 < len(args) {
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
		if !strings.HasPrefix(a, "-") {
			continue
		}
		a = strings.TrimPrefix(strings.TrimLeft(a, "-"), "test.")
		k, v, hasValue := strings.Cut(a, "=")
		if k == name {
			set = !hasValue || v == "true" || v == "1"
		}
	}
	return set
}

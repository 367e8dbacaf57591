// Package gomod finds the module a directory belongs to by reading go.mod
// files, as gotestsum does to print package paths relative to the module,
// without running the go command.
package gomod

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ModulePath returns the module path of the go.mod in dir or the nearest
// directory above it, or "" when there is none or it names no module.
func ModulePath(dir string) string {
	_, path := Find(dir)
	return path
}

// Find returns the directory of the go.mod in dir or the nearest
// directory above it, and its module path; "" and "" when there is none.
func Find(dir string) (root, path string) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", ""
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			return dir, Parse(b)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ""
		}
		dir = parent
	}
}

// Parse returns the path of a go.mod's module directive, or "".
func Parse(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '"') {
			continue
		}
		rest = strings.TrimSpace(rest)
		if strings.HasPrefix(rest, `"`) || strings.HasPrefix(rest, "`") {
			if p, err := strconv.Unquote(rest); err == nil {
				return p
			}
			return ""
		}
		return rest
	}
	return ""
}

// Relative returns a package path relative to the module, as gotestsum
// prints it: "." for the module's root package, the path as it is outside
// the module or when module is "".
func Relative(module, pkg string) string {
	switch {
	case module == "":
		return pkg
	case pkg == module:
		return "."
	}
	return strings.TrimPrefix(pkg, module+"/")
}

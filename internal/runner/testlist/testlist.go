// Package testlist names the top-level tests of a package from its test
// files, as go test finds them, without building or running anything (a
// TestMain that starts a browser or a database does not run to list).
package testlist

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names returns the top-level tests go test runs for a package in dir
// with the given internal (_test package in the same package) and
// external test files, in the order the testing package runs them: tests,
// then fuzz targets (their seed corpus), then examples with an output
// comment; within each, in file order, then declaration order.
// Benchmarks are left out: they run only with -bench.
func Names(dir string, testFiles, xtestFiles []string) ([]string, error) {
	var tests, fuzz, examples []string
	fset := token.NewFileSet()
	for _, name := range append(append([]string(nil), testFiles...), xtestFiles...) {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("listing tests: %w", err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Type.TypeParams != nil {
				continue
			}
			name := fn.Name.Name
			switch {
			case name == "TestMain":
			case isTestFunc(fn, "T") && isTest(name, "Test"):
				tests = append(tests, name)
			case isTestFunc(fn, "F") && isTest(name, "Fuzz"):
				fuzz = append(fuzz, name)
			}
		}
		ex := doc.Examples(f)
		sort.Slice(ex, func(i, j int) bool { return ex[i].Order < ex[j].Order })
		for _, e := range ex {
			if e.Output == "" && !e.EmptyOutput {
				continue // an example without an output comment is compiled, not run
			}
			examples = append(examples, "Example"+e.Name)
		}
	}
	return append(append(tests, fuzz...), examples...), nil
}

// isTestFunc reports whether fn has the signature of a test function
// taking *testing.<arg> (or *<arg>, with a dot import), as cmd/go checks.
func isTestFunc(fn *ast.FuncDecl, arg string) bool {
	if fn.Type.Results != nil && len(fn.Type.Results.List) > 0 ||
		fn.Type.Params.List == nil || len(fn.Type.Params.List) != 1 || len(fn.Type.Params.List[0].Names) > 1 {
		return false
	}
	ptr, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	if name, ok := ptr.X.(*ast.Ident); ok && name.Name == arg {
		return true
	}
	sel, ok := ptr.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == arg
}

// isTest reports whether name is prefix followed by nothing or by a
// character that is not a lower-case letter (TestFoo, Test_foo, not
// Testfoo).
func isTest(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLower(r)
}

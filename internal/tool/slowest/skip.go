package slowest

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gorerun/gorerun/internal/file/atomicfile"
)

// ParseSkipStatement parses the statement --skip-stmt adds: Go source,
// or testing.Short (also "default") for gotestsum's predefined one.
func ParseSkipStatement(text string) (ast.Stmt, error) {
	switch text {
	case "default", "testing.Short":
		text = "if testing.Short() {\n\tt.Skip(\"too slow for testing.Short\")\n}"
	}
	src := "package stub\nfunc Stub() {\n" + text + "\n}\n"
	f, err := parser.ParseFile(token.NewFileSet(), "skip statement", src, 0)
	if err != nil {
		return nil, fmt.Errorf("not a Go statement: %w", err)
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) != 1 {
		return nil, errors.New("give one Go statement")
	}
	return body[0], nil
}

// Dirs tells where a package's test files are: its directory and the
// names of its _test.go files (go list's TestGoFiles and XTestGoFiles).
type Dirs func(pkg string) (dir string, files []string, err error)

// AddSkip adds stmt as the first statement of the top-level test
// functions of the given tests (a subtest's top-level test), rewriting
// each file that has one, atomically. It fails naming the tests whose
// source it did not find.
func AddSkip(tests []Test, stmt ast.Stmt, dirs Dirs) error {
	want := map[string]map[string]bool{} // package → top-level test names
	var pkgs []string
	for _, t := range tests {
		top, _, _ := strings.Cut(t.Name, "/")
		if want[t.Package] == nil {
			want[t.Package] = map[string]bool{}
			pkgs = append(pkgs, t.Package)
		}
		want[t.Package][top] = true
	}
	for _, pkg := range pkgs {
		dir, files, err := dirs(pkg)
		if err != nil {
			return fmt.Errorf("%s: %w", pkg, err)
		}
		for _, name := range files {
			if err := rewrite(filepath.Join(dir, name), want[pkg], stmt); err != nil {
				return err
			}
		}
	}
	var missed []string
	for _, pkg := range pkgs {
		for name := range want[pkg] {
			missed = append(missed, pkg+"."+name)
		}
	}
	if len(missed) > 0 {
		sort.Strings(missed)
		return fmt.Errorf("no source found for %s", strings.Join(missed, ", "))
	}
	return nil
}

// rewrite adds stmt to the test functions of path named in names (and
// removes them from names): the statement's source is inserted after each
// function's opening brace and the file is gofmt'ed, so that the
// statement's positions never mix with the file's.
func rewrite(path string, names map[string]bool, stmt ast.Stmt) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return err
	}
	var text bytes.Buffer
	if err := format.Node(&text, token.NewFileSet(), stmt); err != nil {
		return fmt.Errorf("skip statement: %w", err)
	}
	var at []int // offsets just after the opening braces, in file order
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || fn.Body == nil || !names[fn.Name.Name] {
			continue
		}
		at = append(at, fset.Position(fn.Body.Lbrace).Offset+1)
		delete(names, fn.Name.Name)
	}
	if len(at) == 0 {
		return nil
	}
	var out []byte
	prev := 0
	for _, off := range at {
		out = append(out, src[prev:off]...)
		out = append(out, '\n')
		out = append(out, text.Bytes()...)
		out = append(out, '\n')
		prev = off
	}
	out = append(out, src[prev:]...)
	formatted, err := format.Source(out)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.WriteFile(path, formatted)
}

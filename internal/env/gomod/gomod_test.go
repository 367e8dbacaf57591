package gomod

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"module example.com/m\n\ngo 1.25\n", "example.com/m"},
		{"// a comment\nmodule   example.com/m // trailing\n", "example.com/m"},
		{"module \"example.com/quoted\"\n", "example.com/quoted"},
		{"modules example.com/no\n", ""},
		{"go 1.25\n", ""},
	} {
		if got := Parse([]byte(tc.in)); got != tc.want {
			t.Errorf("Parse(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestModulePathWalksUp(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n"), 0o644)
	sub := filepath.Join(root, "a", "b")
	os.MkdirAll(sub, 0o755)
	if got := ModulePath(sub); got != "example.com/m" {
		t.Errorf("ModulePath = %q", got)
	}
	if got := ModulePath(t.TempDir()); got != "" && got != ModulePath(os.TempDir()) {
		t.Errorf("outside a module: %q", got)
	}
}

func TestRelative(t *testing.T) {
	for _, tc := range []struct{ mod, pkg, want string }{
		{"example.com/m", "example.com/m", "."},
		{"example.com/m", "example.com/m/a/b", "a/b"},
		{"example.com/m", "example.com/other", "example.com/other"},
		{"", "example.com/m/a", "example.com/m/a"},
	} {
		if got := Relative(tc.mod, tc.pkg); got != tc.want {
			t.Errorf("Relative(%q, %q) = %q, want %q", tc.mod, tc.pkg, got, tc.want)
		}
	}
}

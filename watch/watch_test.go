package watch

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestRequest(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"a", "b/c"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	dirs := func(names ...string) map[string]bool {
		m := map[string]bool{}
		for _, n := range names {
			m[filepath.Join(root, n)] = true
		}
		return m
	}
	for _, tc := range []struct {
		name  string
		dirs  map[string]bool
		chdir bool
		want  Request
	}{
		{"one package", dirs("a"), false, Request{Packages: []string{"./a"}, Dir: root}},
		{"several, sorted", dirs("b/c", "a"), false, Request{Packages: []string{"./a", "./b/c"}, Dir: root}},
		{"the root package", dirs("."), false, Request{Packages: []string{"."}, Dir: root}},
		{"removed directories are left out", dirs("a", "gone"), false, Request{Packages: []string{"./a"}, Dir: root}},
		{"--watch-chdir", dirs("b/c"), true, Request{Packages: []string{"."}, Dir: filepath.Join(root, "b/c")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := request(root, tc.dirs, tc.chdir); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("request = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSkipDir(t *testing.T) {
	for name, skip := range map[string]bool{"vendor": true, "testdata": true, ".git": true, "_old": true, "pkg": false, "v2": false} {
		if got := skipDir("/r", "/r/x/"+name); got != skip {
			t.Errorf("skipDir(%s) = %v, want %v", name, got, skip)
		}
	}
}

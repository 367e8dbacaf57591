package coverage

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestRewrite(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		rewritten []string
	}{
		{[]string{"-count=1", "-coverprofile=c.out"}, []string{"-count=1", "-coverprofile=/t/1"}},
		{[]string{"-coverprofile", "c.out", "-race"}, []string{"-coverprofile", "/t/1", "-race"}},
		{[]string{"--test.coverprofile=c.out"}, []string{"-coverprofile=/t/1"}},
		{[]string{"-race", "-args", "-coverprofile=x"}, []string{"-race", "-args", "-coverprofile=x"}},
		{[]string{"-cover"}, []string{"-cover"}},
	} {
		if got := Rewrite(tc.args, "/t/1"); !reflect.DeepEqual(got, tc.rewritten) {
			t.Errorf("Rewrite(%q) = %q, want %q", tc.args, got, tc.rewritten)
		}
	}
}

// TestMerge: blocks of one file from several processes are joined: set
// mode keeps what any covered, count mode adds up.
func TestMerge(t *testing.T) {
	for _, tc := range []struct {
		mode, want string
	}{
		{"set", "mode: set\nm/a.go:1.1,2.2 1 1\nm/a.go:3.1,4.2 2 1\nm/b.go:1.1,1.9 1 0\n"},
		{"count", "mode: count\nm/a.go:1.1,2.2 1 3\nm/a.go:3.1,4.2 2 1\nm/b.go:1.1,1.9 1 0\n"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			dir := t.TempDir()
			p, err := New("merged.out", dir)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(p.Next(), []byte("mode: "+tc.mode+"\nm/a.go:1.1,2.2 1 1\nm/a.go:3.1,4.2 2 0\nm/b.go:1.1,1.9 1 0\n"), 0o644)
			second := "2"
			if tc.mode == "set" {
				second = "1"
			}
			os.WriteFile(p.Next(), []byte("mode: "+tc.mode+"\nm/a.go:3.1,4.2 2 1\nm/a.go:1.1,2.2 1 "+second+"\n"), 0o644)
			if err := p.Merge(); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "merged.out"))
			if err != nil || string(b) != tc.want {
				t.Errorf("merged:\n%s\nwant:\n%s (%v)", b, tc.want, err)
			}
			if _, err := os.Stat(p.tmp); !os.IsNotExist(err) {
				t.Errorf("temporary profiles left: %v", err)
			}
		})
	}
}

// TestMergeWithoutBlocks: packages without statements give profiles of a
// mode line only, as go test writes them; the merged file has that line.
func TestMergeWithoutBlocks(t *testing.T) {
	dir := t.TempDir()
	p, err := New("c.out", dir)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p.Next(), []byte("mode: set\n"), 0o644)
	if err := p.Merge(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "c.out")); err != nil || string(b) != "mode: set\n" {
		t.Errorf("merged %q, %v", b, err)
	}
}

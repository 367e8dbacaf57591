package reproduce

import (
	"testing"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/testutil/streamtest"
)

// attempt is one attempt of m/p: TestX fails or passes, the package
// printing its shuffle seed when seed is set.
func attempt(seed, result string) string {
	s := ""
	if seed != "" {
		s = `{"Action":"output","Package":"m/p","Output":"-test.shuffle ` + seed + `\n"}` + "\n"
	}
	return s + `{"Action":"run","Package":"m/p","Test":"TestX"}
{"Action":"` + result + `","Package":"m/p","Test":"TestX","Elapsed":0}
{"Action":"` + result + `","Package":"m/p","Elapsed":0}
`
}

func TestCommand(t *testing.T) {
	for _, tc := range []struct {
		name     string
		c        Commands
		attempts []string
		want     string
	}{
		{name: "the failed attempt's number, anchored group, ./relative package in the module root",
			c:        Commands{ModulePath: "m", InRoot: true},
			attempts: []string{attempt("", "fail"), attempt("", "pass")},
			want:     `GORERUN_ATTEMPT=1 go test -count=1 -run '^TestX$' ./p`},
		{name: "the last failed attempt's seed; -shuffle=on, -count, -run, -json, -v and outputs dropped",
			c: Commands{ModulePath: "m", InRoot: true, Flags: []string{"-shuffle=on", "-count", "3", "-run", "Test", "-v", "-json",
				"-coverprofile", "c.out", "-artifacts", "-outputdir", "/tmp/o"}},
			attempts: []string{attempt("111", "fail"), attempt("222", "fail")},
			want:     `GORERUN_ATTEMPT=2 go test -count=1 -run '^TestX$' -shuffle=222 ./p`},
		{name: "flags that change behaviour kept, in order, and -args last",
			c: Commands{ModulePath: "m", InRoot: true, Flags: []string{"-race", "-tags", "integration it", "-timeout=2m", "-skip", "TestY",
				"-args", "-db", "it's"}},
			attempts: []string{attempt("", "fail")},
			want:     `GORERUN_ATTEMPT=1 go test -count=1 -run '^TestX$' -race -tags 'integration it' -timeout=2m -skip TestY ./p -args -db 'it'\''s'`},
		{name: "gorerun's -C is go test's, first",
			c:        Commands{ModulePath: "m", InRoot: true, Chdir: "testdata/demo"},
			attempts: []string{attempt("", "fail")},
			want:     `GORERUN_ATTEMPT=1 go test -C testdata/demo -count=1 -run '^TestX$' ./p`},
		{name: "outside the module root: the import path",
			c:        Commands{ModulePath: "m"},
			attempts: []string{attempt("", "fail")},
			want:     `GORERUN_ATTEMPT=1 go test -count=1 -run '^TestX$' m/p`},
		{name: "a group that never failed: none",
			c:        Commands{ModulePath: "m", InRoot: true},
			attempts: []string{attempt("", "pass")},
			want:     ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := streamtest.Report(t, grouping.Options{}, tc.attempts...)
			ph := r.Packages()[0]
			if got := tc.c.For(ph, ph.Groups[0]); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"./p": "./p", "-timeout=2m": "-timeout=2m", "": "''", "^TestX$": "'^TestX$'",
		"a b": "'a b'", "it's": `'it'\''s'`, "$HOME": "'$HOME'", "x;rm": "'x;rm'",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

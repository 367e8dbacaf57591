package testbin

import (
	"bytes"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestBinaryArgs(t *testing.T) {
	defaults := []string{"-test.paniconexit0", "-test.timeout=10m0s", "-test.v=test2json"}
	for _, tc := range []struct {
		name    string
		args    Args
		want    []string // after go test's defaults
		wantErr string
	}{
		{name: "no flags", want: nil},
		{name: "build flags shaped the binary: left out",
			args: Args{Flags: []string{"-race", "-tags", "integration", "-ldflags=-s", "-cover", "-covermode=atomic", "-coverpkg", "./...", "-p", "2", "-vet=off", "-trimpath"}}},
		{name: "-v and -json are go test -json's own",
			args: Args{Flags: []string{"-v", "-json"}}},
		{name: "test flags, both spellings",
			args: Args{Flags: []string{"-count=3", "-timeout", "5m", "-shuffle", "on", "-short", "-failfast", "-cpu=1,2", "-parallel", "4"}},
			want: []string{"-test.count=3", "-test.timeout=5m", "-test.shuffle=on", "-test.short", "-test.failfast", "-test.cpu=1,2", "-test.parallel=4"}},
		{name: "the user's -run and -skip, then gorerun's, which win",
			args: Args{Flags: []string{"-run", "TestA/sub", "-skip=TestB"}, Extra: []string{"-count=1", "-run", "^(?:TestC)$"}},
			want: []string{"-test.run=TestA/sub", "-test.skip=TestB", "-test.count=1", "-test.run=^(?:TestC)$"}},
		{name: "-test. spelling and boolean values",
			args: Args{Flags: []string{"-test.count=2", "-short=false", "--benchmem"}},
			want: []string{"-test.count=2", "-test.short=false", "-test.benchmem"}},
		{name: "-args go to the binary unchanged, last",
			args: Args{Flags: []string{"-count=1", "-args", "-flag", "./data"}, Extra: []string{"-run", "X"}},
			want: []string{"-test.count=1", "-test.run=X", "-flag", "./data"}},
		{name: "a coverage profile per process",
			args: Args{Flags: []string{"-coverprofile", "c.out"}, CoverProfile: "/tmp/p1.out"},
			want: []string{"-test.coverprofile=/tmp/p1.out"}},
		{name: "-artifacts writes where go test runs, as go test tells the binary",
			args: Args{Flags: []string{"-artifacts"}, Dir: "/work/mod"},
			want: []string{"-test.artifacts", "-test.outputdir=/work/mod"}},
		{name: "a relative -outputdir is go test's directory's",
			args: Args{Flags: []string{"-artifacts", "-outputdir", "out"}, Dir: "/work/mod"},
			want: []string{"-test.artifacts", "-test.outputdir=/work/mod/out"}},
		{name: "-exec needs go test", args: Args{Flags: []string{"-exec", "sudo"}}, wantErr: "-exec needs go test"},
		{name: "-cpuprofile needs go test (it places the file)", args: Args{Flags: []string{"-cpuprofile=cpu.out"}}, wantErr: "-cpuprofile"},
		{name: "-o needs go test", args: Args{Flags: []string{"-o", "x.test"}}, wantErr: "-o needs go test"},
		{name: "a flag without its value", args: Args{Flags: []string{"-run"}}, wantErr: "needs a value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BinaryArgs(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := append(append([]string(nil), defaults...), tc.want...)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

func TestExecName(t *testing.T) {
	for path, want := range map[string]string{
		"example.com/m/util":    "util.test",
		"example.com/m":         "m.test",
		"example.com/m/v2":      "m.test",
		"example.com/m/v2/pkg":  "pkg.test",
		"example.com/m/v1":      "v1.test",
		"example.com/m/v0":      "v0.test",
		"example.com/m/version": "version.test",
		"strings":               "strings.test",
		"v2":                    "v2.test",
	} {
		if got := ExecName(path); got != want {
			t.Errorf("ExecName(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestTailWritesGoTestsLines(t *testing.T) {
	exit := func(code int) error {
		// An *exec.ExitError with an exit code, from a real process.
		return exec.Command("sh", "-c", "exit "+strconv.Itoa(code)).Run()
	}
	for _, tc := range []struct {
		name   string
		output string
		err    error
		want   string
	}{
		{"passed", "PASS\n", nil, "PASS\nok  \tm/p\t0.012s\n"},
		{"coverage", "PASS\ncoverage: 66.7% of statements\n", nil,
			"PASS\ncoverage: 66.7% of statements\nok  \tm/p\t0.012s\tcoverage: 66.7% of statements\n"},
		{"no tests to run", "testing: warning: no tests to run\nPASS\n", nil,
			"testing: warning: no tests to run\nPASS\nok  \tm/p\t0.012s [no tests to run]\n"},
		{"output without a final newline", "PASS", nil, "PASS\nok  \tm/p\t0.012s\n"},
		{"failed: FAIL marked for test2json", "\x16FAIL\n", exit(1), "\x16FAIL\n\x16FAIL\tm/p\t0.012s\n"},
		{"crashed: the panic ends in the FAIL line", "panic: boom\n", exit(2), "panic: boom\n\x16FAIL\tm/p\t0.012s\n"},
		{"silent exit: the status says why", "", exit(7), "exit status 7\n\x16FAIL\tm/p\t0.012s\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			tail := &Tail{W: &out, Package: "m/p"}
			// Written in two pieces: a line may be cut anywhere.
			half := len(tc.output) / 2
			tail.Write([]byte(tc.output[:half]))
			tail.Write([]byte(tc.output[half:]))
			if err := tail.Finish(tc.err, 12*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

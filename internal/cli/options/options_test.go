package options

import (
	"bytes"
	"reflect"
	"runtime"
	"testing"
)

func TestParseOptions(t *testing.T) {
	type testCase struct {
		name    string
		args    []string
		env     map[string]string
		check   func(*Options) bool
		wantErr string
	}
	run := func(t *testing.T, tc testCase) {
		o, err := Parse(tc.args, func(k string) string { return tc.env[k] }, &bytes.Buffer{})
		if tc.wantErr != "" {
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if tc.check != nil && !tc.check(o) {
			t.Errorf("options %+v", o)
		}
	}
	testCases := []testCase{
		{name: "interleaved packages and flags", args: []string{"./a", "--rerun-class-max=2", "./b", "--", "-race", "-run", "./x"},
			check: func(o *Options) bool {
				return o.rerunClassMax == 2 && reflect.DeepEqual(o.Packages, []string{"./a", "./b"}) && reflect.DeepEqual(o.goFlags, []string{"-race", "-run", "./x"})
			}},
		{name: "packages after -- as gotestsum users write them", args: []string{"--", "-count=1", "./pkg", "-timeout", "5m", "./other/..."},
			check: func(o *Options) bool {
				return reflect.DeepEqual(o.Packages, []string{"./pkg", "./other/..."}) && reflect.DeepEqual(o.goFlags, []string{"-count=1", "-timeout", "5m"})
			}},
		{name: "everything after -args goes to the test binary", args: []string{"--", "./pkg", "-args", "./data"},
			check: func(o *Options) bool {
				return reflect.DeepEqual(o.Packages, []string{"./pkg"}) && reflect.DeepEqual(o.goFlags, []string{"-args", "./data"})
			}},
		{name: "input with packages after --", args: []string{"--input", "x.json", "--", "./pkg"}, wantErr: "drop the packages"},
		{name: "delay in seconds", args: []string{"--rerun-delay", "0.25"}, check: func(o *Options) bool { return o.rerunDelay.String() == "250ms" }},
		{name: "delay as duration", args: []string{"--rerun-delay=2s"}, check: func(o *Options) bool { return o.rerunDelay.String() == "2s" }},
		{name: "environment default", env: map[string]string{"GORERUN_RERUN_CLASS_MAX": "4"}, check: func(o *Options) bool { return o.rerunClassMax == 4 }},
		{name: "command line wins", args: []string{"--rerun-class-max=1"}, env: map[string]string{"GORERUN_RERUN_CLASS_MAX": "4"},
			check: func(o *Options) bool { return o.rerunClassMax == 1 }},
		{name: "sizes", args: []string{"--junit-max-output", "2MiB"}, check: func(o *Options) bool { return o.junitMaxOutput == 2<<20 }},
		{name: "last-failed switch", args: []string{"--last-failed", "./..."}, check: func(o *Options) bool { return o.lastFailed.On && o.lastFailed.File == "" }},
		{name: "last-failed file", args: []string{"--last-failed=r.xml"}, check: func(o *Options) bool { return o.lastFailed.File == "r.xml" }},
		{name: "parallel defaults to CPUs", check: func(o *Options) bool { return o.rerunParallel == runtime.NumCPU() }},
		{name: "negative reruns", args: []string{"--rerun-class-max=-1"}, wantErr: "--rerun-class-max must be 0 or more"},
		{name: "bad size", args: []string{"--junit-max-output", "lots"}, wantErr: "not a size"},
		{name: "input with packages", args: []string{"--input", "x.json", "./..."}, wantErr: "drop the packages"},
		{name: "input with shard", args: []string{"--input", "x.json", "--shard", "1/2"}, wantErr: "cannot be used with --input"},
		{name: "bad env", env: map[string]string{"GORERUN_FORMAT": "fancy"}, wantErr: `(set by GORERUN_FORMAT)`},
		{name: "bad env overridden", args: []string{"--format=dots"}, env: map[string]string{"GORERUN_FORMAT": "fancy"},
			check: func(o *Options) bool { return o.format == "dots" }},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

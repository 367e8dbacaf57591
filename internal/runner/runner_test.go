package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/testjson"
)

func TestGoFlag(t *testing.T) {
	type testCase struct {
		args  []string
		name  string
		value string
		found bool
	}
	run := func(t *testing.T, tc testCase) {
		v, ok := GoFlag(tc.args, tc.name)
		if v != tc.value || ok != tc.found {
			t.Errorf("GoFlag(%q, %q) = %q, %v; want %q, %v", tc.args, tc.name, v, ok, tc.value, tc.found)
		}
	}
	testCases := []testCase{
		{[]string{"-race", "-count=3"}, "count", "3", true},
		{[]string{"-count", "2"}, "count", "2", true},
		{[]string{"--count", "2", "-test.count=5"}, "count", "5", true},
		{[]string{"-run", "TestX", "-v"}, "count", "", false},
		{[]string{"-skip", "TestSlow"}, "skip", "TestSlow", true},
		{[]string{"-countx=1"}, "count", "", false},
		{[]string{"-count=2", "-args", "-count=5"}, "count", "2", true},
	}
	for _, tc := range testCases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) { run(t, tc) })
	}
}

func TestRerunArgs(t *testing.T) {
	type testCase struct {
		name  string
		flags []string
		rerun grouping.Rerun
		want  []string
	}
	run := func(t *testing.T, tc testCase) {
		got := rerunArgs(Config{Flags: tc.flags, Parallel: 2}, tc.rerun)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
	testCases := []testCase{
		{"groups", []string{"-race"}, grouping.Rerun{Package: "m/a", Run: []string{"TestA", "TestB.x"}},
			[]string{"test", "-json", "-race", "-count=1", "-p", "2", "-run", `^(?:TestA|TestB\.x)$`, "m/a"}},
		{"user count kept", []string{"-count", "3"}, grouping.Rerun{Package: "m/a", Run: []string{"TestA"}},
			[]string{"test", "-json", "-count", "3", "-p", "2", "-run", `^(?:TestA)$`, "m/a"}},
		{"crash skip joins the user's skip", []string{"-skip", "TestSlow"}, grouping.Rerun{Package: "m/a", Skip: []string{"TestDone"}},
			[]string{"test", "-json", "-skip", "TestSlow", "-count=1", "-p", "2", "-skip", `(?:TestSlow)|^(?:TestDone)$`, "m/a"}},
		{"whole package", nil, grouping.Rerun{Package: "m/a"},
			[]string{"test", "-json", "-count=1", "-p", "2", "m/a"}},
		{"test binary arguments stay last", []string{"-v", "-args", "-update-golden"}, grouping.Rerun{Package: "m/a", Run: []string{"TestA"}},
			[]string{"test", "-json", "-v", "-count=1", "-p", "2", "-run", `^(?:TestA)$`, "m/a", "-args", "-update-golden"}},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

type nopObserver struct {
	events int
	noise  []string // non-JSON lines, as the observer saw them
}

func (o *nopObserver) Event(_ int, ev *testjson.Event, _ []byte, _ *grouping.Package) {
	o.events++
	if ev.NotJSON {
		o.noise = append(o.noise, ev.Output)
	}
}
func (o *nopObserver) Round(grouping.PlanResult)                         {}
func (o *nopObserver) Refused(grouping.PlanResult, grouping.PlanOptions) {}
func (o *nopObserver) Resumed(string, []string, int)                     {}

func TestRead(t *testing.T) {
	type testCase struct {
		name    string
		input   string
		wantErr string
		trunc   bool
		noise   []string // non-JSON lines the observer must see
	}
	run := func(t *testing.T, tc testCase) {
		obs := &nopObserver{}
		r, err := Read(strings.NewReader(tc.input), "in.jsonl", obs, grouping.Options{})
		if tc.wantErr == "" && err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Fatalf("err = %v, want %q", err, tc.wantErr)
		}
		if errors.Is(err, ErrTruncated) != tc.trunc {
			t.Errorf("truncated = %v", errors.Is(err, ErrTruncated))
		}
		if r == nil || len(r.Attempts) != 1 {
			t.Fatalf("report %v", r)
		}
		if !reflect.DeepEqual(obs.noise, tc.noise) {
			t.Errorf("observer saw non-JSON lines %q, want %q", obs.noise, tc.noise)
		}
	}
	testCases := []testCase{
		{"stream", `{"Action":"pass","Package":"m"}` + "\n", "", false, nil},
		{"empty", "", "in.jsonl: empty input", false, nil},
		{"garbage", "\x00\x01 binary\n", `in.jsonl: not a go test -json stream (line 1: "\x00\x01 binary")`, false, []string{"\x00\x01 binary\n"}},
		{"truncated", `{"Action":"pass","Package":"m"}` + "\n" + `{"Action":"pa`, "in.jsonl: line 2: stream ends in a truncated event", true, []string{`{"Action":"pa` + "\n"}},
		{"leading noise is kept", "go: downloading x\n" + `{"Action":"pass","Package":"m"}` + "\n", "", false, []string{"go: downloading x\n"}},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

func TestGoEnvOutsideAModule(t *testing.T) {
	dir := t.TempDir()
	e := GoEnv(context.Background(), Config{Dir: dir, Env: append(os.Environ(), "GO111MODULE=on", "GOFLAGS=")})
	if e.ModuleRoot != "" || !strings.HasPrefix(e.Version, "go1.") {
		t.Fatalf("outside a module: %+v", e)
	}
	e = GoEnv(context.Background(), Config{Dir: "."})
	if root, _ := filepath.Abs(filepath.Join("..", "..")); e.ModuleRoot != root || !strings.HasPrefix(e.Version, "go1.") {
		t.Fatalf("in the module: %+v, want root %s", e, root)
	}
}

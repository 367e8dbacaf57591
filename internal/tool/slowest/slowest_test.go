package slowest

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const stream = `{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0.3}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0.1}
{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0.2}
{"Action":"fail","Package":"p","Test":"TestB/sub","Elapsed":1.5}
{"Action":"skip","Package":"q","Test":"TestC","Elapsed":0.05}
{"Action":"pass","Package":"q","Elapsed":2}
not json
`

func TestSlowest(t *testing.T) {
	times, err := Read(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		threshold time.Duration
		num       int
		want      []Test
	}{
		{100 * time.Millisecond, 0, []Test{{"p", "TestB/sub", 1500 * time.Millisecond}, {"p", "TestA", 200 * time.Millisecond}}},
		{time.Second, 0, []Test{{"p", "TestB/sub", 1500 * time.Millisecond}}},
		{0, 1, []Test{{"p", "TestB/sub", 1500 * time.Millisecond}}},
		{0, 9, []Test{{"p", "TestB/sub", 1500 * time.Millisecond}, {"p", "TestA", 200 * time.Millisecond}, {"q", "TestC", 50 * time.Millisecond}}},
		{0, 0, nil},
	} {
		if got := Slowest(times, tc.threshold, tc.num); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Slowest(%v, %d) = %v, want %v", tc.threshold, tc.num, got, tc.want)
		}
	}
	var out bytes.Buffer
	Print(&out, Slowest(times, time.Second, 0))
	if out.String() != "p TestB/sub 1.5s\n" {
		t.Errorf("Print = %q", out.String())
	}
}

func TestAddSkip(t *testing.T) {
	dir := t.TempDir()
	src := "package p\n\nimport \"testing\"\n\nfunc TestB(t *testing.T) {\n\tt.Run(\"sub\", func(t *testing.T) {})\n}\n\nfunc TestOther(t *testing.T) {}\n"
	os.WriteFile(filepath.Join(dir, "p_test.go"), []byte(src), 0o644)
	stmt, err := ParseSkipStatement("testing.Short")
	if err != nil {
		t.Fatal(err)
	}
	dirs := func(pkg string) (string, []string, error) { return dir, []string{"p_test.go"}, nil }
	if err := AddSkip([]Test{{"p", "TestB/sub", time.Second}}, stmt, dirs); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "p_test.go"))
	want := "func TestB(t *testing.T) {\n\tif testing.Short() {\n\t\tt.Skip(\"too slow for testing.Short\")\n\t}\n"
	if !strings.Contains(string(b), want) || strings.Count(string(b), "testing.Short()") != 1 {
		t.Errorf("rewritten:\n%s", b)
	}
	err = AddSkip([]Test{{"p", "TestMissing", time.Second}}, stmt, dirs)
	if err == nil || !strings.Contains(err.Error(), "no source found for p.TestMissing") {
		t.Errorf("missing test: %v", err)
	}
	for _, bad := range []string{"if {", "a := 1; b := 2"} {
		if _, err := ParseSkipStatement(bad); err == nil {
			t.Errorf("ParseSkipStatement(%q) accepted", bad)
		}
	}
}

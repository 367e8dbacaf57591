package flagvalue

import (
	"strings"
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	type testCase struct {
		in   string
		want time.Duration
		err  string
	}
	for _, tc := range []testCase{
		{"0.5", 500 * time.Millisecond, ""}, {"2s", 2 * time.Second, ""}, {"86400", 24 * time.Hour, ""},
		{"NaN", 0, "not a finite number"}, {"Inf", 0, "not a finite number"}, {"1e300", 0, "longer than"},
		{"25h", 0, "longer than"}, {"-1", 0, "negative"}, {"-1s", 0, "negative"}, {"soon", 0, "neither a duration"},
	} {
		var d Duration
		err := d.Set(tc.in)
		if tc.err == "" && (err != nil || time.Duration(d) != tc.want) || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("Set(%q) = %v, %v", tc.in, time.Duration(d), err)
		}
	}
}

func TestSize(t *testing.T) {
	for in, want := range map[string]int{"1048576": 1 << 20, "512KiB": 512 << 10, "1MiB": 1 << 20, "2MB": 2000000, "0": 0} {
		var s Size
		if err := s.Set(in); err != nil || int(s) != want {
			t.Errorf("Set(%q) = %d, %v", in, s, err)
		}
	}
	var s Size
	if err := s.Set("lots"); err == nil {
		t.Error("accepted lots")
	}
}

func TestOptionalFileAndList(t *testing.T) {
	var f OptionalFile
	if f.Set("true"); !f.On || f.File != "" {
		t.Errorf("switch: %+v", f)
	}
	if f.Set("r.xml"); !f.On || f.File != "r.xml" || f.String() != "r.xml" {
		t.Errorf("file: %+v", f)
	}
	if f.Set("false"); f.On {
		t.Errorf("off: %+v", f)
	}
	var l List
	l.Set("a.xml, b.xml")
	l.Set("c.xml")
	if l.String() != "a.xml,b.xml,c.xml" {
		t.Errorf("list %q", l.String())
	}
}

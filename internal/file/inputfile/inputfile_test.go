//go:build unix

package inputfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.xml")
	if err := os.WriteFile(small, []byte("<testsuites/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	type testCase struct {
		name, path string
		max        int64
		want       string // error substring; "" means success
	}
	run := func(t *testing.T, tc testCase) {
		b, err := Read(tc.path, tc.max)
		if tc.want == "" {
			if err != nil || string(b) != "<testsuites/>" {
				t.Fatalf("Read = %q, %v", b, err)
			}
			return
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
			t.Fatalf("err = %v, want %q naming %s", err, tc.want, tc.path)
		}
	}
	testCases := []testCase{
		{"regular", small, MaxSize, ""},
		{"too large", small, 5, "larger than the 5 bytes limit"},
		{"directory", dir, MaxSize, "is a directory"},
		{"device", "/dev/zero", MaxSize, "not a regular file (a character device)"},
		{"fifo", fifo, MaxSize, "not a regular file (a named pipe)"},
		{"missing", filepath.Join(dir, "nope"), MaxSize, "no such file"},
	}
	for _, tc := range testCases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc) })
	}
}

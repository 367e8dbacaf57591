//go:build linux

package junitout

import (
	"bytes"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestWriteFileKeepsPreviousReportOnError writes a report larger than the
// file size limit of a child process (a full disk, as far as the writer
// can tell; root ignores permissions, not RLIMIT_FSIZE): the write fails,
// the error names the report, and the previous report is intact.
func TestWriteFileKeepsPreviousReportOnError(t *testing.T) {
	if path := os.Getenv("GORERUN_FSIZE_REPORT"); path != "" {
		signal.Ignore(syscall.SIGXFSZ)
		lim := &syscall.Rlimit{Cur: 64 << 10, Max: 64 << 10}
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, lim); err != nil {
			t.Fatal(err)
		}
		big := &Testsuites{}
		s := Testsuite{Name: "m/p"}
		for range 20000 {
			s.AddTestcase(Testcase{Name: "TestSomethingWithALongName", Classname: "example.com/m/p", Time: "0.000"})
		}
		big.AddSuite(s)
		err := WriteFile(path, big)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Fatalf("WriteFile = %v, want an error naming %s", err, path)
		}
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xml")
	previous := []byte(`<testsuites tests="1" failures="0" errors="0" time="0"></testsuites>` + "\n")
	if err := os.WriteFile(path, previous, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriteFileKeepsPreviousReportOnError$")
	cmd.Env = append(os.Environ(), "GORERUN_FSIZE_REPORT="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, previous) {
		t.Errorf("previous report changed: %.200q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

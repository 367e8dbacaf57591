package atomicfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// readCalls is how many read system calls this process has made
// (/proc/self/io's syscr). copy_file_range is not one of them.
func readCalls(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Skipf("no /proc/self/io: %v", err)
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		var n int64
		if _, err := fmt.Sscanf(string(line), "syscr: %d", &n); err == nil {
			return n
		}
	}
	t.Skip("no syscr in /proc/self/io")
	return 0
}

// TestReadFromDetachedCopiesInTheKernel: a spill file handed over by
// Detach (or Temp), whole or in part, is copied by the kernel, as a plain
// *os.File is: the bytes do not pass through the process's reads (the
// JUnit stream copies its 46 MB spill file so into the report).
func TestReadFromDetachedCopiesInTheKernel(t *testing.T) {
	data := bytes.Repeat([]byte("<testcase name=\"x\"></testcase>\n"), 1<<17) // 4 MB
	for _, tc := range []struct {
		name string
		src  func(*Detached) io.Reader
		want []byte
	}{
		{"whole", func(d *Detached) io.Reader { return d }, data},
		{"part", func(d *Detached) io.Reader { return io.LimitReader(d, 1<<20) }, data[:1<<20]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			spill, err := Create(filepath.Join(dir, "spill"))
			if err != nil {
				t.Fatal(err)
			}
			spill.Write(data)
			d, err := spill.Detach()
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			path := filepath.Join(dir, "report.xml")
			f, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			before := readCalls(t)
			if _, err := io.Copy(f, tc.src(d)); err != nil {
				t.Fatal(err)
			}
			reads := readCalls(t) - before
			if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(got, tc.want) {
				t.Fatalf("report holds %d bytes, want %d (%v)", len(got), len(tc.want), err)
			}
			// readCalls itself reads /proc once; a copy through the process
			// reads 32 KB at a time: over a hundred reads.
			if reads > 8 {
				t.Errorf("the copy made %d read calls: it went through the process", reads)
			}
		})
	}
}

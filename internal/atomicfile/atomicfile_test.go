package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAtomicReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xml")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new"))
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("target changed before Commit: %q", b)
	}
	f.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("Abort changed the target: %q", b)
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("got %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestCreateInMissingDirectoryNamesPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "report.xml")
	_, err := Create(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want it to name %s", err, path)
	}
}

// A write that fails (a full disk, say) leaves the previous file as it was
// and names the path in the error.
func TestFailedWriteKeepsPreviousFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xml")
	os.WriteFile(path, []byte("previous"), 0o644)
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.tmp.Close() // every write from now on fails, as on a full disk
	f.Write(make([]byte, 1<<20))
	err = f.Commit()
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Commit = %v, want an error naming %s", err, path)
	}
	if b, _ := os.ReadFile(path); string(b) != "previous" {
		t.Fatalf("previous file changed: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

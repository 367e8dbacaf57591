package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
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
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
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

func TestSymlinkIsFollowedAndKept(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "reports", "real.xml")
	os.MkdirAll(filepath.Dir(target), 0o755)
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.xml")
	if err := os.Symlink(filepath.Join("reports", "real.xml"), link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v %v", st.Mode(), err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Fatalf("target = %q, want new", b)
	}
	// A dangling symlink creates its target.
	dangling := filepath.Join(dir, "dangling.xml")
	os.Symlink(filepath.Join("reports", "later.xml"), dangling)
	if err := WriteFile(dangling, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "reports", "later.xml")); string(b) != "x" {
		t.Fatalf("dangling target = %q", b)
	}
}

func TestModeIsKept(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xml")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o660); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o660 {
		t.Errorf("mode %v, want 0660", st.Mode().Perm())
	}
	// A new file gets what os.Create gives: 0666 less the umask.
	ref := filepath.Join(dir, "ref")
	f, _ := os.Create(ref)
	f.Close()
	fresh := filepath.Join(dir, "fresh.xml")
	if err := WriteFile(fresh, []byte("x")); err != nil {
		t.Fatal(err)
	}
	want, _ := os.Stat(ref)
	if st, _ := os.Stat(fresh); st.Mode().Perm() != want.Mode().Perm() {
		t.Errorf("new file mode %v, os.Create gives %v", st.Mode().Perm(), want.Mode().Perm())
	}
}

func TestCreateRefusesDirectories(t *testing.T) {
	dir := t.TempDir()
	_, err := Create(dir)
	if err == nil || !strings.Contains(err.Error(), "is a directory, not a file") {
		t.Fatalf("err = %v", err)
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xml")
	old := time.Now().Add(-2 * time.Minute)
	for _, name := range []string{".report.xml.tmp123", ".report.xml.tmp456", ".report.xml.tmp789", ".report.xml.tmpx1", ".other.xml.tmp1"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if name != ".report.xml.tmp789" { // a run in progress: too young
			os.Chtimes(p, old, old)
		}
	}
	n, err := RemoveStale(path, time.Minute)
	if err != nil || n != 2 {
		t.Fatalf("removed %d, %v; want 2", n, err)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if strings.Join(left, " ") != ".other.xml.tmp1 .report.xml.tmp789 .report.xml.tmpx1" {
		t.Errorf("left %v", left)
	}
}

func TestReadFromAfterWrites(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	if err := os.WriteFile(src, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := copyThrough(t, src, func(f *File, in *os.File) error {
		if _, err := io.CopyN(f, in, 4); err != nil { // a part of a file, then the rest
			return err
		}
		f.Write([]byte("|"))
		if _, err := io.Copy(f, in); err != nil {
			return err
		}
		f.Write([]byte(":tail"))
		return nil
	})
	if string(got) != "head:0123|456789:tail" {
		t.Fatalf("got %q", got)
	}
}

// copyThrough writes "head:" and then what copy writes, reading the file
// at src, into a new file, commits it and returns what it holds.
func copyThrough(t *testing.T, src string, copy func(f *File, in *os.File) error) []byte {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	path := filepath.Join(t.TempDir(), "out")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("head:"))
	if err := copy(f, in); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ReadFrom copies in chunks (starting the write-out of each): parts of a
// file and whole readers of more than a chunk arrive whole and in order.
func TestReadFromLargerThanAChunk(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 2*writebackChunk+12345)
	for i := range data {
		data[i] = byte(i*7 + i/4096)
	}
	src := filepath.Join(dir, "src")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		copy func(f *File, in *os.File) error
	}{
		{"a part across a chunk, then the rest", func(f *File, in *os.File) error {
			if _, err := io.CopyN(f, in, writebackChunk+3); err != nil {
				return err
			}
			_, err := io.Copy(f, in)
			return err
		}},
		{"a limited reader, its count kept", func(f *File, in *os.File) error {
			lr := &io.LimitedReader{R: in, N: int64(len(data)) - 10}
			n, err := f.ReadFrom(lr)
			if err == nil && (n != int64(len(data))-10 || lr.N != 0) {
				t.Errorf("copied %d, %d left", n, lr.N)
			}
			_, err2 := io.Copy(f, in)
			return errors.Join(err, err2)
		}},
		{"not a file", func(f *File, _ *os.File) error {
			_, err := f.ReadFrom(bytes.NewReader(data))
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if b := copyThrough(t, src, tc.copy); !bytes.Equal(b, append([]byte("head:"), data...)) {
				t.Fatalf("got %d bytes, want %d (or other bytes)", len(b), len(data)+5)
			}
		})
	}
}

// TestNothingVisibleBeforeCommit: on Linux the new version has no name
// until Commit, so a run killed while it writes (SIGKILL, or a second
// interrupt) leaves no temporary file behind; Temp's scratch files
// likewise.
func TestNothingVisibleBeforeCommit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("unnamed temporary files are a Linux feature")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xml")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(bytes.Repeat([]byte("x"), 300<<10)) // past the write buffer
	scratch, err := Temp(dir, ".report.xml.tmp")
	if err != nil {
		t.Fatal(err)
	}
	scratch.WriteString("spilled")
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("visible before Commit: %v", entries)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() != 300<<10 {
		t.Fatalf("committed file: %v %v", st, err)
	}
	scratch.Close()
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}

// TestDetachReadsFromStart: a detached spill file is read from its start
// and removed by Close.
func TestDetachReadsFromStart(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "report.xml"))
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("spill"))
	d, err := f.Detach()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(d)
	if err != nil || string(b) != "spill" {
		t.Fatalf("read %q, %v", b, err)
	}
	d.Close()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

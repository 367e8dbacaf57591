package grouping

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestArtifactFilesOfGoneDirectories(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got := (&Evidence{Artifacts: []string{filepath.Join(dir, "gone"), file, dir}}).Files()
	want := []string{file, file} // the file itself, then the directory's only file
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

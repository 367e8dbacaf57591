// Package golden compares test output with golden files, for the tests of
// every package that has them: go test PKG -update rewrites the files
// from what the tests produce (check the diff before committing it).
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is the -update flag of the test binary that imports golden.
var update = flag.Bool("update", false, "rewrite golden files from what the tests produce")

// Assert fails t unless got is byte for byte the golden file at path
// (relative to the package's directory); with -update it writes got there
// first, creating the directory.
func Assert(t testing.TB, got []byte, path string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file missing (go test -update writes it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("differs from the golden file %s (go test -update rewrites it, after checking):\n%s", path, got)
	}
}

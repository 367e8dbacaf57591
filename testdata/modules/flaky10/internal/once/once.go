// Package once makes a test fail the first time it runs: a counter file
// per test in FLAKY10_STATE (works with any runner, not only gorerun).
package once

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FailFirst fails t on its first run and sleeps a little, as real tests do.
func FailFirst(t *testing.T) {
	time.Sleep(20 * time.Millisecond)
	dir := os.Getenv("FLAKY10_STATE")
	if dir == "" {
		return
	}
	path := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_"))
	if _, err := os.Stat(path); err == nil {
		return
	}
	os.WriteFile(path, nil, 0o644)
	t.Fatal("fails on its first run")
}

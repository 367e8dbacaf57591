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
	// go test runs each package's tests in the package's directory: name
	// the counter by package and test, as the same names recur in p1..p5.
	wd, _ := os.Getwd()
	path := filepath.Join(dir, filepath.Base(wd)+"."+strings.ReplaceAll(t.Name(), "/", "_"))
	if _, err := os.Stat(path); err == nil {
		return
	}
	os.WriteFile(path, nil, 0o644)
	t.Fatal("fails on its first run")
}

// FlakyGroup is a group whose one step fails on its first run.
func FlakyGroup(t *testing.T) {
	t.Run("step", func(t *testing.T) { FailFirst(t) })
}

// StableGroup is a group of five steps that always pass.
func StableGroup(t *testing.T) {
	for i := 0; i < 5; i++ {
		t.Run("case", func(t *testing.T) { time.Sleep(10 * time.Millisecond) })
	}
}

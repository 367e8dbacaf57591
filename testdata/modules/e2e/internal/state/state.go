// Package state makes fixture tests deterministic: Count records how many
// times something ran in the directory named by GORERUN_E2E_STATE, and
// Attempt returns gorerun's attempt number.
package state

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Count increments and returns the counter called name.
func Count(name string) int {
	dir := os.Getenv("GORERUN_E2E_STATE")
	if dir == "" {
		return 0
	}
	path := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(name))
	b, _ := os.ReadFile(path)
	n, _ := strconv.Atoi(string(b))
	n++
	if err := os.WriteFile(path, []byte(strconv.Itoa(n)), 0o644); err != nil {
		panic(err)
	}
	return n
}

// Attempt returns GORERUN_ATTEMPT as a number (0 when unset).
func Attempt() int {
	n, _ := strconv.Atoi(os.Getenv("GORERUN_ATTEMPT"))
	return n
}

// Record writes value to the file called name in the state directory.
func Record(name, value string) {
	dir := os.Getenv("GORERUN_E2E_STATE")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(value), 0o644); err != nil {
		panic(err)
	}
}

// Package state makes fixture tests deterministic: Count records how many
// times something ran in the directory named by GORERUN_E2E_STATE, and
// Attempt returns gorerun's attempt number.
package state

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Count increments and returns the counter called name. Processes that
// count at once (the workers of a package start together) take turns.
func Count(name string) int {
	dir := os.Getenv("GORERUN_E2E_STATE")
	if dir == "" {
		return 0
	}
	path := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(name))
	lock, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		panic(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		panic(err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
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

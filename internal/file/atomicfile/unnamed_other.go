//go:build !linux

package atomicfile

import (
	"errors"
	"os"
)

var errNoUnnamed = errors.New("unnamed temporary files are a Linux feature")

// openUnnamed is not supported here: Create uses a named temporary file,
// which a killed run leaves behind (RemoveStale removes it later).
func openUnnamed(string, string, os.FileMode) (*os.File, error) { return nil, errNoUnnamed }

func linkUnnamed(*os.File, string) error { return errNoUnnamed }

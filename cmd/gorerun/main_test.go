package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/gorerun/gorerun/internal/testutil/golden"
)

func TestHelpGolden(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--help"}, nil, &stdout, &stderr, func(string) string { return "" })
	if code != 0 || stderr.Len() != 0 {
		t.Fatalf("--help: code %d, stderr %q", code, stderr.String())
	}
	golden.Assert(t, stdout.Bytes(), filepath.Join("testdata", "help.golden"))
}

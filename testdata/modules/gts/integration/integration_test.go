//go:build integration

package integration

import (
	"flag"
	"testing"
)

var _ = flag.Bool("update-golden", false, "update golden files")

func TestIntegration(t *testing.T) {}

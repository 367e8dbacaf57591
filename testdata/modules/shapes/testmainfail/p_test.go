package testmainfail

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { m.Run(); os.Exit(1) }
func TestA(t *testing.T)    {}

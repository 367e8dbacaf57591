package afterpass

import (
	"os"
	"testing"
)

// TestMain panics in its cleanup, after the tests passed and PASS was printed.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		panic("cleanup: connection pool still busy")
	}
	os.Exit(code)
}

func TestA(t *testing.T) {}

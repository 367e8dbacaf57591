package always

import (
	"testing"

	"example.com/e2e/internal/state"
)

func TestAlwaysFails(t *testing.T) {
	n := state.Count("always.fails")
	t.Run("step", func(t *testing.T) { t.Errorf("broken for good (run %d)", n) })
}

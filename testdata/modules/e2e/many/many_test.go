package many

import (
	"fmt"
	"testing"

	"example.com/e2e/internal/state"
)

func TestA(t *testing.T) { fail(t, "a") }
func TestB(t *testing.T) { fail(t, "b") }
func TestC(t *testing.T) { fail(t, "c") }

func fail(t *testing.T, name string) {
	state.Count("many." + name)
	t.Fatal(fmt.Sprint(name, " always fails"))
}

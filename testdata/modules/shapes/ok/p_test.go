package ok

import (
	"fmt"
	"testing"
)

func TestPass(t *testing.T) { t.Run("a b", func(t *testing.T) {}); t.Run("a b", func(t *testing.T) {}) }
func TestSkip(t *testing.T) { t.Skip("not today") }
func TestFail(t *testing.T) {
	t.Run("x", func(t *testing.T) { t.Error("bad") })
	t.Run("y", func(t *testing.T) {})
}
func BenchmarkX(b *testing.B) {
	for i := 0; i < b.N; i++ {
	}
}
func Example() {
	fmt.Println("hi")
	// Output: hi
}

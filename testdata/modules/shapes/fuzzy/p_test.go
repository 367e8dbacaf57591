package fuzzy

import "testing"

func FuzzReverse(f *testing.F) {
	f.Add("abc")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 100 {
			t.Skip("too long")
		}
	})
}

func TestRepeated(t *testing.T) {}

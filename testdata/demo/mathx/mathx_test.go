package mathx

import "testing"

func TestAdd(t *testing.T) {
	if 1+1 != 2 {
		t.Fatal("arithmetic is broken")
	}
}

func TestSkipped(t *testing.T) {
	t.Skip("demonstrates a skipped test")
}

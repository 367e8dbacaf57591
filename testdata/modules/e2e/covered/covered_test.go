package covered

import (
	"testing"

	"example.com/e2e/internal/state"
)

func TestA(t *testing.T) {
	if A(2) != 4 {
		t.Fatal("A")
	}
}

func TestB(t *testing.T) {
	if B("x") != "x!" {
		t.Fatal("B")
	}
}

func TestC(t *testing.T) {
	if C([]int{1, 2}) != 3 {
		t.Fatal("C")
	}
}

func TestD(t *testing.T) {
	if D(true) != "yes" {
		t.Fatal("D")
	}
}

// TestFlaky fails on gorerun's first attempt and passes on its rerun
// (and in plain go test, where there is no attempt).
func TestFlaky(t *testing.T) {
	if !Flaky(state.Attempt()) {
		t.Fatal("fails on attempt 1")
	}
}

// Package covered has functions that different tests cover, for the
// coverage of runs split over processes (workers, reruns).
package covered

// A is covered by TestA.
func A(n int) int {
	if n > 0 {
		return n * 2
	}
	return 0
}

// B is covered by TestB.
func B(s string) string {
	if s == "" {
		return "empty"
	}
	return s + "!"
}

// C is covered by TestC.
func C(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

// D is covered by TestD.
func D(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Flaky is covered by TestFlaky, which fails on its first attempt.
func Flaky(attempt int) bool { return attempt != 1 }

// Uncovered is covered by no test.
func Uncovered() int { return 42 }

//go:build !linux

package proc

// BecomeSubreaper does nothing here (a Linux feature).
func BecomeSubreaper() {}

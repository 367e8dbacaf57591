// Package a is the package the watch test edits.
package a

import "testing"

func TestA(t *testing.T) {}

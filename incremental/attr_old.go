//go:build !go1.25

package incremental

import "testing"

// markIncremental does nothing before Go 1.25, which has no testing.T.Attr;
// gorerun then recognizes incremental groups by their skip messages.
func markIncremental(t *testing.T) {}

//go:build go1.25

package incremental

import "testing"

func markIncremental(t *testing.T) { t.Attr(AttrKey, "true") }

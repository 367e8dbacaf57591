package incremental

import "testing"

// markIncremental marks the group incremental with a test attribute
// (testing.T.Attr, Go 1.25), which gorerun reads from the stream.
func markIncremental(t *testing.T) { t.Attr(AttrKey, "true") }

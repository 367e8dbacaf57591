// Package attrs has a passing test that sets attributes: they belong on
// its testcase.
package attrs

import "testing"

func TestTagged(t *testing.T) {
	t.Attr("issue", "GR-42")
	t.Attr("owner", "payments team")
	t.Run("step", func(t *testing.T) { t.Attr("fixture", "cart-3") })
}

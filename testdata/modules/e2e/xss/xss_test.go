// Package xss has test names and output that attack an HTML report: they
// must render as text.
package xss

import "testing"

func TestEvil(t *testing.T) {
	t.Run("<script>alert(1)</script>", func(t *testing.T) {
		t.Log("</pre><img src=x onerror=alert(2)>")
		t.Log("\x1b[31mred\x1b[0m and </details></td></tr></table><script>alert(3)</script>")
		t.Fail()
	})
}

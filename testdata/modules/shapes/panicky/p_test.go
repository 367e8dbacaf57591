package panicky

import "testing"

func TestBefore(t *testing.T) {}
func TestPanics(t *testing.T) {
	t.Run("child", func(t *testing.T) { t.Log("about to panic"); panic("boom") })
}
func TestAfter(t *testing.T) {}

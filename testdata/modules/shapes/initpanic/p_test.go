package initpanic

import "testing"

func init()              { panic("init failed") }
func TestA(t *testing.T) {}

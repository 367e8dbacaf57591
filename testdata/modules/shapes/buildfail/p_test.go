package buildfail

import "testing"

func TestA(t *testing.T) { undefined() }

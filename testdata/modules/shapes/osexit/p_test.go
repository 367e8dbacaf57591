package osexit

import (
	"os"
	"testing"
)

func TestBefore(t *testing.T) {}
func TestExits(t *testing.T)  { t.Log("exiting"); os.Exit(3) }
func TestAfter(t *testing.T)  {}

// Package screens has a flaky test that leaves artifacts in every
// attempt: a note naming the attempt and a small PNG, as a browser test
// leaves a screenshot. It fails until GORERUN_ATTEMPT is 2.
package screens

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckout(t *testing.T) {
	attempt := os.Getenv("GORERUN_ATTEMPT")
	dir := t.ArtifactDir()
	if err := os.WriteFile(filepath.Join(dir, "note.txt"), []byte("attempt "+attempt+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "screen.png"), screenshot(attempt == "2"), 0o644); err != nil {
		t.Fatal(err)
	}
	if attempt != "2" {
		t.Fatalf("the pay button never appeared (attempt %q)", attempt)
	}
}

// screenshot draws a small picture: red for a failed attempt, green for
// a passing one.
func screenshot(ok bool) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 40))
	c := color.RGBA{R: 207, G: 34, B: 46, A: 255}
	if ok {
		c = color.RGBA{R: 26, G: 127, B: 55, A: 255}
	}
	for y := 0; y < 40; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

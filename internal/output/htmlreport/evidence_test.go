package htmlreport

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/grouping"
)

// shotAttempt is an attempt of m/e's TestShot that sets an attribute and
// announces the artifact directory dir.
func shotAttempt(dir, result string) string {
	return fmt.Sprintf(`{"Action":"output","Package":"m/e","Output":"-test.shuffle 77\n"}
{"Action":"run","Package":"m/e","Test":"TestShot"}
{"Action":"attr","Package":"m/e","Test":"TestShot","Key":"browser","Value":"<chromium>"}
{"Action":"artifacts","Package":"m/e","Test":"TestShot","Path":%q}
{"Action":"%[2]s","Package":"m/e","Test":"TestShot","Elapsed":0}
{"Action":"%[2]s","Package":"m/e","Elapsed":0}
`, dir, result)
}

func TestEvidenceOfEachAttempt(t *testing.T) {
	page := t.TempDir()
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte{0}, maxInline+1)
	dirs := []string{filepath.Join(page, "art", "1"), filepath.Join(page, "art", "2")}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{"shot.png": img.Bytes(), "big.png": big, "x.svg": []byte("<svg onload=alert(1)>")} {
			if err := os.WriteFile(filepath.Join(d, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	html := render(t, Meta{Dir: page, Reproduce: func(*grouping.PackageHistory, *grouping.History) string { return "go test -run '^TestShot$' ./e" }},
		shotAttempt(dirs[0], "fail"), shotAttempt(dirs[1], "pass"))
	for _, want := range []string{
		`attempt 1 (fail): <code>browser</code>=<code>&lt;chromium&gt;</code>`,
		`artifact of attempt 1: <a href="art/1/shot.png">shot.png</a><br><img src="data:image/png;base64,`,
		`artifact of attempt 2: <a href="art/2/shot.png">shot.png</a>`,
		`artifact of attempt 1: <a href="art/1/big.png">big.png</a></div>`, // too big to inline
		`artifact of attempt 1: <a href="art/1/x.svg">x.svg</a></div>`,     // markup is never inlined
		`Reproduce: <code class="reproduce">go test -run &#39;^TestShot$&#39; ./e</code>`,
		`attempt 1 <code>-shuffle=77</code>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(html, "<svg onload") || strings.Contains(html, "<chromium>") {
		t.Error("the page holds a test's markup unescaped")
	}
}

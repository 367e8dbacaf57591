package streamgen

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestGenerateIsValidAndDeterministic(t *testing.T) {
	cfg := Config{Seed: 7, Bytes: 2 << 20, Packages: 8, FailEvery: 10, BuildFailPm: 50}
	var a, b bytes.Buffer
	sa, err := Generate(&a, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sb, _ := Generate(&b, cfg)
	if !bytes.Equal(a.Bytes(), b.Bytes()) || sa != sb {
		t.Fatal("same seed, different streams")
	}
	lines := bytes.Split(bytes.TrimSuffix(a.Bytes(), []byte("\n")), []byte("\n"))
	if int64(len(lines)) != sa.Events || int64(a.Len()) != sa.Bytes {
		t.Fatalf("stats %+v for %d lines, %d bytes", sa, len(lines), a.Len())
	}
	for i, l := range lines {
		var v map[string]any
		if err := json.Unmarshal(l, &v); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i+1, err, l)
		}
	}
	if sa.Failures == 0 || sa.BuildFailures == 0 || sa.Tests == 0 {
		t.Errorf("stream lacks variety: %+v", sa)
	}
}

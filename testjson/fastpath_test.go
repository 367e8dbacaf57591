package testjson

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fastPathLines are shapes the fast decoder must take itself, not leave to
// encoding/json: escapes of every kind, surrogate pairs, numbers with
// exponents, times with zones, every field.
var fastPathLines = []string{
	`{"Time":"2026-11-23T10:00:00.123456789Z","Action":"output","Package":"p","Test":"T","Output":"a\tb\n"}`,
	`{"Time":"2026-11-23T10:00:00+02:00","Action":"pass","Package":"p","Test":"T","Elapsed":1.25}`,
	`{"Time":"2026-11-23T10:00:00.5-07:30","Action":"fail","Package":"p","Elapsed":1e-3}`,
	`{"Action":"output","Package":"p","Output":"q\"b\\s\/\b\f\n\r\t\u0041\u00e9\u4e16\ud83d\ude00 end\n"}`,
	`{"Action":"output","Package":"p","Output":"caf\u00e9 ünïcode ✓\n","OutputType":"error"}`,
	`{"Action":"output","Package":"p","Output":"\u003cb\u003e \u0026amp; \u0000\u007f\u0080\u00ff\u00AB\n"}`,
	`{"ImportPath":"p [p.test]","Action":"build-output","Output":"# p\n"}`,
	`{"Action":"fail","Package":"p","FailedBuild":"p [p.test]"}`,
	`{"Action":"attr","Package":"p","Test":"T","Key":"k","Value":"v"}`,
	`{"Action":"artifacts","Package":"p","Test":"T","Path":"/tmp/a"}`,
	`{"Attempt":12,"Action":"skip","Package":"p","Test":"T","Elapsed":0}`,
	`{"Action":"pass","Elapsed":-0.5}`,
	`{"Action":"pass","Elapsed":12345678901234}`,
	`{}`,
}

// TestFastPathTakesRealStreams: every event of the recorded streams and of
// fastPathLines is decoded by the fast decoder itself, the same as
// encoding/json decodes it. (Falling back would still be correct, only
// slow: without this test, a broken fast path would go unnoticed.)
func TestFastPathTakesRealStreams(t *testing.T) {
	lines := append([]string(nil), fastPathLines...)
	streams, _ := filepath.Glob(filepath.Join("..", "testdata", "streams", "*.jsonl"))
	if len(streams) < 20 {
		t.Fatalf("only %d recorded streams found", len(streams))
	}
	for _, s := range streams {
		f, err := os.Open(s)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		f.Close()
	}
	var st decodeState // one state across lines, as the Decoder keeps it
	for _, line := range lines {
		var fast, slow Event
		if !st.decode([]byte(line), &fast) {
			t.Errorf("fast decoder refused %s", line)
			continue
		}
		if err := json.Unmarshal([]byte(line), &slow); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("fast %+v\njson %+v\nfor %s", fast, slow, line)
		}
	}
	// Only the first time with a new zone offset goes to time.Parse (its
	// *time.Location is then reused): here, +02:00 and -07:30.
	if st.slowTimes != 2 {
		t.Errorf("%d times parsed by time.Parse, want 2 (the first of each zone)", st.slowTimes)
	}
}

// TestFastPathRefuses: what it must leave to encoding/json.
func TestFastPathRefuses(t *testing.T) {
	for _, line := range []string{
		`{"Action":"pass", "Package":"p"}`,  // white space
		`{"Action":"pass","Extra":true}`,    // unknown key
		`{"Action":"pass","Elapsed":"1"}`,   // wrong type
		`{"Output":"bad \x"}`,               // bad escape
		`{"Output":"\u00zz"}`,               // bad \u escape
		`{"Output":"\u00"}`,                 // cut-off \u escape
		`{"Action":"pass"`,                  // cut off
		`[1]`,                               // not an object
		`{"Time":"yesterday","Action":"x"}`, // not a time
		"{\"Output\":\"\xff\"}",             // invalid UTF-8
		`{"Elapsed":1.}`,                    // not a JSON number
		`{"Elapsed":.5}`,
		`{"Elapsed":1e}`,
		`{"Elapsed":-}`,
	} {
		var ev Event
		if fastDecode([]byte(line), &ev) {
			t.Errorf("fast decoder took %s", line)
		}
	}
}

package cimatrix

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestMatrix(t *testing.T) {
	runs := []string{
		`{"Action":"pass","Package":"m/a","Elapsed":10}` + "\n" + `{"Action":"pass","Package":"m/b","Elapsed":4}` + "\n",
		`{"Action":"pass","Package":"m/a","Elapsed":20}` + "\n" + `{"Action":"fail","Package":"m/c","Elapsed":3}` + "\n",
	}
	var streams []io.Reader
	for _, r := range runs {
		streams = append(streams, strings.NewReader(r))
	}
	timing, err := Timings(streams)
	if err != nil {
		t.Fatal(err)
	}
	p85 := Percentile85(timing)
	if want := map[string]time.Duration{"m/a": 20 * time.Second, "m/b": 4 * time.Second, "m/c": 3 * time.Second}; !reflect.DeepEqual(p85, want) {
		t.Errorf("Percentile85 = %v, want %v", p85, want)
	}
	buckets := Split(p85, []string{"m/a", "m/b", "m/c", "m/d"}, 2)
	want := []Bucket{{20 * time.Second, []string{"m/a"}}, {7 * time.Second, []string{"m/b", "m/c", "m/d"}}}
	if !reflect.DeepEqual(buckets, want) {
		t.Errorf("Split = %+v, want %+v", buckets, want)
	}
	var out bytes.Buffer
	if err := Write(&out, buckets, func(p string) string { return strings.TrimPrefix(p, "m/") }); err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"include":[{"id":0,"estimatedRuntime":"20s","packages":"m/a","description":"0 - a"},` +
		`{"id":1,"estimatedRuntime":"7s","packages":"m/b m/c m/d","description":"1 - b and 2 others"}]}` + "\n"
	if out.String() != wantJSON {
		t.Errorf("Write =\n%s\nwant\n%s", out.String(), wantJSON)
	}
}

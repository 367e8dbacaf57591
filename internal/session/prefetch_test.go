package session

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gorerun/gorerun/internal/tool/shard"
)

// TestPrefetchedTimingsAreTheTimings: the group timings prefetch reads
// ahead for --workers are what the run then gets, errors included, and
// close waits for the questions still open.
func TestPrefetchedTimingsAreTheTimings(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.xml", `<testsuites><testsuite name="m/a" tests="2">
<testcase classname="m/a" name="TestA" time="1.5"></testcase>
<testcase classname="m/a" name="TestB" time="0.5"></testcase>
</testsuite></testsuites>`)
	bad := write("bad.xml", `<testsuites><testsuite`)
	want, err := shard.ReadGroupTimings([]string{good})
	if err != nil || len(want) == 0 {
		t.Fatalf("the timings file reads as %v, %v", want, err)
	}
	for _, tc := range []struct {
		name    string
		files   []string
		wantErr string
	}{
		{name: "timings", files: []string{good}},
		{name: "unreadable", files: []string{bad}, wantErr: "bad.xml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &facts{ctx: context.Background(), cfg: Config{Dir: dir, Workers: 2, NoHistory: true, ShardTimings: tc.files}}
			f.prefetch()
			got, err := f.groupTimings()
			f.close()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("timings %v, %v; want %v", got, err, want)
			}
		})
	}
}

package testbin

import (
	"os"
	"path/filepath"
	"testing"
)

func TestKeepDirectoryIsSharedOnlyByTheSameBuild(t *testing.T) {
	keep := t.TempDir()
	base := Config{Dir: "/m", Env: []string{"GOFLAGS=-mod=mod", "GORERUN_E2E_STATE=/a", "HOME=/h"}, Keep: keep}
	dirOf := func(cfg Config) string {
		t.Helper()
		d, err := New(cfg).dir()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	same := dirOf(base)
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		share bool
	}{
		{"the same build", func(*Config) {}, true},
		{"another run's own variables", func(c *Config) { c.Env = []string{"GOFLAGS=-mod=mod", "GORERUN_E2E_STATE=/b", "HOME=/g"} }, true},
		{"other build flags", func(c *Config) { c.BuildFlags = []string{"-race"} }, false},
		{"another GOFLAGS", func(c *Config) { c.Env = []string{"GOFLAGS=-tags=x"} }, false},
		{"CGO_ENABLED", func(c *Config) { c.Env = append([]string{"CGO_ENABLED=0"}, c.Env...) }, false},
		{"another module", func(c *Config) { c.Dir = "/other" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			tc.edit(&cfg)
			if got := dirOf(cfg); (got == same) != tc.share || filepath.Dir(got) != keep {
				t.Errorf("directory %s, the base's %s: want shared %v, under %s", got, same, tc.share, keep)
			}
		})
	}
	s := New(base)
	d, _ := s.dir()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d); err != nil {
		t.Errorf("Close removed the kept directory: %v", err)
	}
	tmp := New(Config{})
	d, err := tmp.dir()
	if err != nil {
		t.Fatal(err)
	}
	tmp.Close()
	if _, err := os.Stat(d); !os.IsNotExist(err) {
		t.Errorf("Close left the temporary directory %s: %v", d, err)
	}
}

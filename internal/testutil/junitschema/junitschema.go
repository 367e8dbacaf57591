// Package junitschema validates JUnit reports in tests against the Jenkins
// and Surefire schemas, through ../shared/bin/validate-junit beside the
// repository (which needs xmllint, from Debian's libxml2-utils).
//
// In CI (the CI variable set, as .ci/run does) a missing validator or
// xmllint fails the test. On a contributor's machine without them the
// schema check is skipped with a message and the test's other assertions
// still run.
package junitschema

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Validate checks the report at path against both schemas.
func Validate(t testing.TB, path string) {
	t.Helper()
	validator, err := validatorPath()
	if err == nil {
		_, err = exec.LookPath("xmllint")
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("JUnit schema validation is required in CI: %v (.ci/run installs libxml2-utils; shared/ must sit beside the repository)", err)
		}
		t.Logf("JUnit schema validation skipped: %v (apt-get install libxml2-utils; shared/ beside the repository)", err)
		return
	}
	if out, err := exec.Command(validator, path).CombinedOutput(); err != nil {
		t.Fatalf("%s does not validate: %v\n%s", path, err, out)
	}
}

// validatorPath finds shared/bin/validate-junit beside the module root that
// holds the working directory.
func validatorPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
	p := filepath.Join(filepath.Dir(dir), "shared", "bin", "validate-junit")
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// Package flaky links heavy standard packages like pair; with HEAVY_FLAKY
// set, TestFlaky fails in the first two attempts and passes in the third
// (scripts/bench.sh: reruns).
package flaky

import (
	"crypto/tls"
	"database/sql"
	"encoding/xml"
	"go/types"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

// The test binary links these, as a service's tests would.
var _ = []any{tls.Dial, sql.Open, xml.Marshal, types.NewPackage, template.New, http.Get, httptest.NewServer}

func TestFlaky(t *testing.T) {
	if os.Getenv("HEAVY_FLAKY") != "" && os.Getenv("GORERUN_ATTEMPT") < "3" {
		t.Fatalf("attempt %s: fails before the third", os.Getenv("GORERUN_ATTEMPT"))
	}
}

func TestStable(t *testing.T) {}

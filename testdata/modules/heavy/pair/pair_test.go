// Package pair is a package whose test links heavy standard packages, as a
// service's tests do, with two groups of a little work each: the link
// dominates one go test of it (scripts/bench.sh: --hunt, --workers).
package pair

import (
	"crypto/tls"
	"database/sql"
	"encoding/xml"
	"go/types"
	"html/template"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The test binary links these, as a service's tests would.
var _ = []any{tls.Dial, sql.Open, xml.Marshal, types.NewPackage, template.New, http.Get, httptest.NewServer}

func TestOne(t *testing.T) { time.Sleep(10 * time.Millisecond) }

func TestTwo(t *testing.T) { time.Sleep(10 * time.Millisecond) }

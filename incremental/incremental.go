// Package incremental runs the subtests of a test as steps that stop at
// the first failure, like pytest's incremental marker: once a step fails,
// every later step is still registered as a subtest, so reports list it,
// but skips with a message naming the step that failed.
//
// It uses the standard library only, so any test module can import it
// cheaply. On Go 1.25 and later it marks the parent test with the attribute
// gorerun.incremental=true (testing.T.Attr), so that gorerun and other
// readers of the go test -json stream know the group is incremental.
package incremental

import (
	"fmt"
	"runtime/debug"
	"testing"
)

// AttrKey is the attribute New sets on the parent test (Go 1.25+).
const AttrKey = "gorerun.incremental"

// SkipMessage is the skip message of a step after a failed step.
func SkipMessage(failed string) string {
	return fmt.Sprintf("previous step %q failed", failed)
}

// Steps runs the steps of one incremental test. Use it from the test's own
// goroutine, as t.Run is used.
type Steps struct {
	t      *testing.T
	failed string
}

// New marks t as an incremental group and returns its Steps.
func New(t *testing.T) *Steps {
	t.Helper()
	markIncremental(t)
	return &Steps{t: t}
}

// Failed returns the name of the step that failed, or "".
func (s *Steps) Failed() string { return s.failed }

// Run runs f as the subtest name, like t.Run, and returns whether it
// passed. After a step failed, Run registers the subtest but skips it with
// SkipMessage. A step that skips itself does not stop the group; a step that
// panics fails, and stops the group, without ending the test binary.
func (s *Steps) Run(name string, f func(t *testing.T)) bool {
	if s.failed != "" {
		failed := s.failed
		s.t.Run(name, func(t *testing.T) { t.Skip(SkipMessage(failed)) })
		return false
	}
	ok := s.t.Run(name, func(t *testing.T) {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		f(t)
	})
	if !ok {
		s.failed = name
	}
	return ok
}

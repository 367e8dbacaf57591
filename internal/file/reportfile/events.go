package reportfile

import (
	"cmp"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/gorerun/gorerun/junitout"
)

// writeEvents writes a report back as the go test -json stream gorerun's
// --jsonfile would hold for it (events tagged with "Attempt"), so that a
// report from any tool can be read like a recorded stream (gorerun html
// from CI artifacts). Surefire's attempt elements become earlier
// attempts: a testcase with k of them failed (or crashed) in attempts 1 to
// k; a group (testcases sharing a top-level name) reruns whole, so its
// tests end in their final state in every later attempt. A crash becomes a
// test that never ended in a package that did not finish. Times other
// than the final attempt's are not in a report and are written as 0.
func writeEvents(w io.Writer, suites []junitout.Testsuite) error {
	enc := json.NewEncoder(w)
	for _, s := range suites {
		steps, attempts := suiteSteps(&s)
		suiteTime, _ := strconv.ParseFloat(strings.ReplaceAll(s.Time, ",", ""), 64)
		for a := 1; a <= attempts; a++ {
			emit := func(e event) error { e.Attempt, e.Package = a, s.Name; return enc.Encode(e) }
			if seed, _ := s.Property(junitout.ShuffleProperty(a)); seed != "" {
				// go test's line for the attempt's order (see junitout)
				if err := emit(event{Action: "output", Output: "-test.shuffle " + seed + "\n"}); err != nil {
					return err
				}
			}
			if err := writeAttempt(emit, steps, a, suiteTime); err != nil {
				return err
			}
		}
	}
	return nil
}

// event is a go test -json event, tagged with its attempt as gorerun's
// --jsonfile tags them.
type event struct {
	Attempt int
	Action  string
	Package string
	Test    string  `json:",omitempty"`
	Output  string  `json:",omitempty"`
	Elapsed float64 `json:",omitempty"`
	Key     string  `json:",omitempty"`
	Value   string  `json:",omitempty"`
	Path    string  `json:",omitempty"`
}

// step is a test of a suite, with its result and output in each attempt.
type step struct {
	name    string
	results []string // per attempt: pass, fail, skip, crash
	outputs []string // per attempt
	// evidence are the attr and artifacts events of each attempt, read
	// from the lines gorerun writes into system-out (see junitout).
	evidence [][]event
	elapsed  float64
}

// suiteSteps reads a suite's tests and their attempts, and how many
// attempts the suite's package ran.
func suiteSteps(s *junitout.Testsuite) ([]*step, int) {
	var steps []*step
	byName := map[string]*step{}
	groupAttempts := map[string]int{}
	for i := range s.Testcases {
		tc := &s.Testcases[i]
		name := testName(s.Name, tc)
		// A testcase that appears again is its next attempt (gotestsum
		// writes one testcase per attempt).
		st := byName[name]
		if st == nil {
			st = &step{name: name}
			byName[name] = st
			steps = append(steps, st)
		}
		st.add(tc)
		top, _, _ := strings.Cut(st.name, "/")
		groupAttempts[top] = max(groupAttempts[top], len(st.results))
	}
	attempts := 1
	for _, st := range steps {
		top, _, _ := strings.Cut(st.name, "/")
		n := groupAttempts[top]
		for len(st.results) < n { // reran with its group: ended as it finally did
			st.results = append(st.results, st.results[len(st.results)-1])
			st.outputs = append(st.outputs, st.outputs[len(st.outputs)-1])
			st.evidence = append(st.evidence, nil)
		}
		attempts = max(attempts, n)
	}
	return steps, attempts
}

// add adds the attempts of a testcase: Surefire's earlier attempts, then
// its final result.
func (st *step) add(tc *junitout.Testcase) {
	st.elapsed, _ = strconv.ParseFloat(strings.ReplaceAll(tc.Time, ",", ""), 64)
	for _, a := range append(append(append(append([]junitout.Attempt(nil), tc.FlakyFailures...), tc.RerunFailures...), tc.FlakyErrors...), tc.RerunErrors...) {
		result := "fail"
		if a.Type == "crash" || a.Type == "error" {
			result = "crash"
		}
		st.results = append(st.results, result)
		st.outputs = append(st.outputs, a.StackTrace.Body)
		st.evidence = append(st.evidence, evidence(a.SystemOut))
	}
	final, out := "pass", ""
	switch tc.State() {
	case junitout.Failed:
		final, out = "fail", cmp.Or(tc.Failure.Body, tc.Failure.Message)
	case junitout.Errored:
		final, out = "crash", cmp.Or(tc.Error.Body, tc.Error.Message)
	case junitout.SkippedState:
		final, out = "skip", tc.Skipped.Message
	}
	st.results = append(st.results, final)
	st.outputs = append(st.outputs, out)
	st.evidence = append(st.evidence, evidence(tc.SystemOut))
}

// evidence reads the attributes ("=== ATTR  TestX key value") and
// artifacts ("[[ATTACHMENT|path]]") of an attempt back from its
// system-out.
func evidence(out *junitout.Text) []event {
	if out == nil {
		return nil
	}
	var evs []event
	for line := range strings.Lines(out.Body) {
		line = strings.TrimRight(line, "\r\n")
		if rest, ok := strings.CutPrefix(line, "=== ATTR  "); ok {
			// the test's name and the key hold no spaces; the value may
			if _, kv, ok := strings.Cut(rest, " "); ok {
				key, value, _ := strings.Cut(kv, " ")
				evs = append(evs, event{Action: "attr", Key: key, Value: value})
			}
			continue
		}
		if path, ok := strings.CutPrefix(line, "[[ATTACHMENT|"); ok && strings.HasSuffix(path, "]]") {
			evs = append(evs, event{Action: "artifacts", Path: strings.TrimSuffix(path, "]]")})
		}
	}
	return evs
}

// writeAttempt writes the events of attempt a of a suite's package.
func writeAttempt(emit func(event) error, steps []*step, a int, suiteTime float64) error {
	if err := emit(event{Action: "start"}); err != nil {
		return err
	}
	crashed, failed := false, false
	for _, st := range steps {
		i := a - 1 // every test has a result for each attempt of its group
		if i >= len(st.results) {
			continue
		}
		elapsed := 0.0
		if i == len(st.results)-1 {
			elapsed = st.elapsed
		}
		if err := emit(event{Action: "run", Test: st.name}); err != nil {
			return err
		}
		for _, ev := range st.evidence[i] {
			ev.Test = st.name
			if err := emit(ev); err != nil {
				return err
			}
		}
		if out := st.outputs[i]; out != "" {
			if !strings.HasSuffix(out, "\n") {
				out += "\n"
			}
			if err := emit(event{Action: "output", Test: st.name, Output: out}); err != nil {
				return err
			}
		}
		if st.results[i] == "crash" {
			crashed = true // it never ends: the package did not finish
			continue
		}
		failed = failed || st.results[i] == "fail"
		if err := emit(event{Action: st.results[i], Test: st.name, Elapsed: elapsed}); err != nil {
			return err
		}
	}
	end := event{Action: "pass", Elapsed: suiteTime}
	switch {
	case crashed:
		end.Action = "fail"
	case failed:
		if err := emit(event{Action: "output", Output: "FAIL\n"}); err != nil {
			return err
		}
		end.Action = "fail"
	default:
		if err := emit(event{Action: "output", Output: "PASS\n"}); err != nil {
			return err
		}
	}
	return emit(end)
}

// testName is a testcase's go test name: its name, or with
// --junit-classname group (classname pkg.TestX) TestX/name.
func testName(suite string, tc *junitout.Testcase) string {
	top, ok := strings.CutPrefix(tc.Classname, suite+".")
	if !ok || top == tc.Name || strings.HasPrefix(tc.Name, top+"/") {
		return tc.Name
	}
	return top + "/" + tc.Name
}

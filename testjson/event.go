package testjson

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// Action is the kind of a test2json event.
type Action string

// The actions test2json and cmd/go write. Newer Go versions may add more;
// unknown actions are kept as they are and never count as results.
const (
	ActionStart       Action = "start"
	ActionRun         Action = "run"
	ActionPause       Action = "pause"
	ActionCont        Action = "cont"
	ActionPass        Action = "pass"
	ActionBench       Action = "bench"
	ActionFail        Action = "fail"
	ActionOutput      Action = "output"
	ActionSkip        Action = "skip"
	ActionAttr        Action = "attr"
	ActionArtifacts   Action = "artifacts"
	ActionBuildOutput Action = "build-output"
	ActionBuildFail   Action = "build-fail"
)

// IsTerminal reports whether the action ends a test or a package.
func (a Action) IsTerminal() bool {
	return a == ActionPass || a == ActionFail || a == ActionSkip
}

// Event is one line of a `go test -json` stream. It has every field that
// test2json (Go 1.22–1.26) and cmd/go's build events write.
type Event struct {
	Time        time.Time `json:",omitzero"`
	Action      Action
	Package     string  `json:",omitempty"`
	Test        string  `json:",omitempty"`
	Elapsed     float64 `json:",omitempty"` // seconds
	Output      string  `json:",omitempty"`
	FailedBuild string  `json:",omitempty"`
	ImportPath  string  `json:",omitempty"` // build-output and build-fail events
	Key         string  `json:",omitempty"` // attr events
	Value       string  `json:",omitempty"` // attr events
	Path        string  `json:",omitempty"` // artifacts events
	OutputType  string  `json:",omitempty"` // Go 1.27+
	// Attempt is gorerun's attempt number in a --jsonfile stream; go test
	// does not write it.
	Attempt int `json:",omitempty"`
	// Worker is the --workers process that ran the event (1-based) in a
	// --jsonfile stream; 0 when the package ran in one process.
	Worker int `json:",omitempty"`
	// Workers is how many --workers processes ran the event's package, on
	// a worker's package start and end events.
	Workers int `json:",omitempty"`

	// NotJSON is set for a line of the stream that is not a JSON object
	// (output of older tools, -exec wrappers, a truncated last line). Such a
	// line becomes an ActionOutput event without Package whose Output is the
	// line with its newline.
	NotJSON bool `json:"-"`
}

// MaxElapsed is the longest Elapsed taken at its word: a week. Longer
// values (1e29 from a broken writer) would overflow a time.Duration.
const MaxElapsed = 7 * 24 * time.Hour

// ElapsedDuration returns Elapsed as a duration, clamped to [0, MaxElapsed]
// (NaN is 0); ok is false when it had to be clamped.
func (e *Event) ElapsedDuration() (d time.Duration, ok bool) {
	switch s := e.Elapsed; {
	case s >= 0 && s <= MaxElapsed.Seconds():
		return time.Duration(s * float64(time.Second)), true
	case s > MaxElapsed.Seconds():
		return MaxElapsed, false
	}
	return 0, false // negative or NaN
}

// BuildPackage returns the package a build event is about: ImportPath without
// the " [pkg.test]" suffix cmd/go adds for test variants.
func (e *Event) BuildPackage() string {
	return StripVariant(e.ImportPath)
}

// StripVariant removes a " [pkg.test]" variant suffix from an import path.
func StripVariant(importPath string) string {
	for i := 0; i < len(importPath); i++ {
		if importPath[i] == ' ' {
			return importPath[:i]
		}
	}
	return importPath
}

// AppendTagged appends line, the line e was decoded from, to dst as a JSON
// object with an "Attempt" field (and "Worker" and "Workers", when set) added, followed by a newline. A line that
// was not a JSON event becomes an output event holding the line. The
// decoder has already told JSON from other text, so nothing is parsed
// again.
func (e *Event) AppendTagged(dst []byte, line []byte, attempt int) []byte {
	dst = append(dst, `{"Attempt":`...)
	dst = strconv.AppendInt(dst, int64(attempt), 10)
	if e.Worker > 0 {
		dst = append(dst, `,"Worker":`...)
		dst = strconv.AppendInt(dst, int64(e.Worker), 10)
	}
	if e.Workers > 0 {
		dst = append(dst, `,"Workers":`...)
		dst = strconv.AppendInt(dst, int64(e.Workers), 10)
	}
	content := bytes.TrimSpace(line)
	if !e.NotJSON {
		if len(content) > 2 {
			dst = append(dst, ',')
		}
		dst = append(dst, content[1:]...)
		return append(dst, '\n')
	}
	dst = append(dst, `,"Action":"output","Output":`...)
	q, _ := json.Marshal(e.Output)
	dst = append(dst, q...)
	return append(dst, "}\n"...)
}

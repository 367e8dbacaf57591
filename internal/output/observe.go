package output

import (
	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/testjson"
)

// The observer contract: what the runner tells the outputs as a run
// happens. It lives here, on the output side, so that outputs need not
// import the runner: the runner imports this package, never the reverse.

// Observer is told about the run as it happens. Calls are serialized.
type Observer interface {
	// Event is called for every event of every attempt; line is the raw
	// line as go test wrote it. Both are valid only during the call: ev's
	// Output shares the decoder's buffer, clone it to keep it.
	// pkg is the package's result so far in this attempt (nil for events
	// of no package); it must not be kept after the call.
	Event(attempt int, ev *testjson.Event, line []byte, pkg *grouping.Package)
	// Round is called before a rerun round starts (after its delay).
	Round(plan grouping.PlanResult)
	// Refused is called when the plan refused to rerun.
	Refused(plan grouping.PlanResult, opts grouping.PlanOptions)
	// Resumed is called before a process of the same attempt runs the
	// groups of pkg that never started because crashed groups took the
	// test binary down.
	Resumed(pkg string, crashed []string, neverStarted int)
}

// PackageDoner is an Observer that the runner's Read also tells when a package of a
// recorded stream has ended: its results are final (there are no reruns),
// so it may write them out and Compact the package.
//
// The runner does not touch a package again once it is done, until the stream
// has been read: PackageDone may hand it to another goroutine, if the
// observer is also a Drainer.
type PackageDoner interface {
	PackageDone(pkg *grouping.Package)
}

// Drainer is a PackageDoner that finishes its PackageDone work elsewhere:
// the runner calls Drain when the stream has been read, before it finishes the
// packages, and Drain returns once every package handed over is done.
type Drainer interface {
	Drain()
}

// LineReader is an Observer that says whether it reads the raw line of
// an event (the --jsonfile copy). When it does not, the runner lets the decoder
// write into the lines (see testjson.Decoder.UnescapeInPlace).
type LineReader interface {
	ReadsLines() bool
}

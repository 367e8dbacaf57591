package main

import (
	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/testjson"
)

// observers fans runner events out to the terminal and the json file.
type observers []interface {
	Event(int, *testjson.Event, []byte, *grouping.Package)
	Round(grouping.PlanResult)
	Refused(grouping.PlanResult, grouping.PlanOptions)
	Resumed(pkg string, crashed []string, neverStarted int)
}

func (o observers) Event(attempt int, ev *testjson.Event, line []byte, pkg *grouping.Package) {
	for _, x := range o {
		x.Event(attempt, ev, line, pkg)
	}
}

func (o observers) Round(p grouping.PlanResult) {
	for _, x := range o {
		x.Round(p)
	}
}

func (o observers) Refused(p grouping.PlanResult, opts grouping.PlanOptions) {
	for _, x := range o {
		x.Refused(p, opts)
	}
}

func (o observers) Resumed(pkg string, crashed []string, neverStarted int) {
	for _, x := range o {
		x.Resumed(pkg, crashed, neverStarted)
	}
}

// streamedInput writes each package of a recorded stream to the JUnit
// report as soon as it ends, then compacts it.
type streamedInput struct {
	observers
	junit *junitout.Stream
	err   error
}

func (s *streamedInput) PackageDone(p *grouping.Package) {
	if p.Attempt > 1 {
		// The package ran again in the stream: its suite is written from
		// all its attempts at the end, and its groups must stay whole so
		// that their histories are complete.
		return
	}
	if s.junit != nil && s.err == nil {
		s.err = s.junit.WritePackage(grouping.HistoryOf(p))
	}
	if s.err == nil {
		p.Compact()
	}
}

package main

import (
	"fmt"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/atomicfile"
	"github.com/gorerun/gorerun/testjson"
)

// jsonFile writes --jsonfile: every event of every attempt, tagged.
type jsonFile struct {
	f   *atomicfile.File
	buf []byte
	err error
}

func createJSONFile(path string) (*jsonFile, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--jsonfile: %w", err)
	}
	return &jsonFile{f: f}, nil
}

func (j *jsonFile) Event(attempt int, ev *testjson.Event, line []byte, _ *grouping.Package) {
	if j.err != nil {
		return
	}
	j.buf = ev.AppendTagged(j.buf[:0], line, attempt)
	_, j.err = j.f.Write(j.buf)
}

func (j *jsonFile) Round(grouping.PlanResult)                         {}
func (j *jsonFile) Refused(grouping.PlanResult, grouping.PlanOptions) {}
func (j *jsonFile) Resumed(string, []string, int)                     {}

func (j *jsonFile) commit() error {
	if j.err != nil {
		j.f.Abort()
		return fmt.Errorf("--jsonfile: %w", j.err)
	}
	return j.f.Commit()
}

func (j *jsonFile) abort() { j.f.Abort() }

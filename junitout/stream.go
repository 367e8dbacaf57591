package junitout

import (
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/file/atomicfile"
)

// Stream writes a report package by package, so that a package's results
// need not stay in memory once written: suites go to a spill file beside
// the report, and Finish puts the root element with the totals in front of
// them, atomically. A package that runs again after it was written (a
// recorded stream that holds it twice) is written once more at Finish,
// from all its attempts, and its first suite is left out.
type Stream struct {
	path    string
	opts    Options
	spill   *atomicfile.File
	offset  int64
	total   Testsuites
	elapsed time.Duration
	written map[string]*writtenSuite
	spare   []byte // a suite's encoding buffer, for the next suite
	// prefixes are the packages written in part while they run (WriteEnded).
	prefixes map[*grouping.Package]*prefix
}

// maxSpare is the largest suite buffer kept for the next suite: one
// package of a million tests does not pin its size to the end.
const maxSpare = 4 << 20

// writtenSuite is where a package's suite is in the spill file, and what
// it added to the totals.
type writtenSuite struct {
	start, end int64
	runs       int // attempts of the package it was built from
	suite      suiteCounts
	elapsed    time.Duration
}

// suiteCounts are what a suite adds to the report's totals.
type suiteCounts struct{ tests, failures, errors int }

func countsOf(s *Testsuite) suiteCounts { return suiteCounts{s.Tests, s.Failures, s.Errors} }

// NewStream starts a streamed report at path.
func NewStream(path string, opts Options) (*Stream, error) {
	spill, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	return &Stream{path: path, opts: opts, spill: spill, written: map[string]*writtenSuite{}}, nil
}

// WritePackage writes the testsuite of one package now. The testcases of
// its leading groups that WriteEnded wrote already are not built again.
func (s *Stream) WritePackage(ph *grouping.PackageHistory) error {
	var pr *prefix
	if len(ph.Runs) > 0 {
		p := ph.Runs[0]
		if pr = s.prefixes[p]; pr != nil {
			// DropPassedPrefix left the written groups that did not pass
			// at the front: the prefix holds them already.
			pr.groups = p.Written
			delete(s.prefixes, p)
		}
	}
	return s.writePackage(ph, pr)
}

// WriteEnded encodes the testcases of a running package's groups from
// p.Written up to k (they have ended), so that the package may drop them
// (grouping.Package.DropPassedPrefix). The package's suite is completed
// by WritePackage, or by Finish.
func (s *Stream) WriteEnded(p *grouping.Package, k int) error {
	if s.prefixes == nil {
		s.prefixes = map[*grouping.Package]*prefix{}
	}
	pr := s.prefixes[p]
	if pr == nil {
		pr = &prefix{}
		s.prefixes[p] = pr
	}
	for _, g := range p.Groups[p.Written:k] {
		h := &grouping.History{Package: p.ImportPath, Name: g.Name, Runs: []*grouping.Group{g}}
		for _, t := range g.Tests {
			tc := s.opts.testcase(p.ImportPath, h, t.Name)
			if !s.opts.keep(&tc) {
				continue
			}
			pr.counts.count(&tc)
			pr.enc.testcase(&tc)
		}
	}
	return pr.spill(filepath.Dir(s.path), filepath.Base(s.path))
}

// prefix holds the testcases of the leading groups of a package that is
// still running, encoded, and their counts (see Stream.WriteEnded).
type prefix struct {
	enc    suiteEncoder
	counts Testsuite
	groups int                  // how many of the package's leading groups it holds
	file   *atomicfile.Detached // where encoded testcases go once they pass maxPrefixMemory
}

// maxPrefixMemory is how much of a package's encoded testcases a prefix
// keeps in memory before it moves them to a temporary file beside the
// report.
const maxPrefixMemory = 1 << 20

// spill moves the encoded testcases to the prefix's file once there are
// enough of them.
func (p *prefix) spill(dir, base string) error {
	if len(p.enc.b) < maxPrefixMemory {
		return nil
	}
	if p.file == nil {
		f, err := atomicfile.Temp(dir, "."+base+".tmp") // a killed run's leftover (if named) is found as stale
		if err != nil {
			return err
		}
		p.file = f
	}
	_, err := p.file.Write(p.enc.b)
	p.enc.b = p.enc.b[:0]
	return err
}

// writeTo writes the encoded testcases: the file's, then memory's.
func (p *prefix) writeTo(w io.Writer) error {
	if p.file != nil {
		if _, err := p.file.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(w, p.file); err != nil {
			return err
		}
	}
	_, err := w.Write(p.enc.b)
	return err
}

// close removes the prefix's file.
func (p *prefix) close() {
	if p.file != nil {
		p.file.Close()
		p.file = nil
	}
}

// writePackage writes a package's suite: the testcases already encoded in
// prefix (its first prefix.groups groups as they were then), then the rest.
func (s *Stream) writePackage(ph *grouping.PackageHistory, prefix *prefix) error {
	if s.opts.omit(ph) {
		if prefix != nil {
			prefix.close()
		}
		return nil
	}
	// Testcases are encoded as they are built, not kept: a package of half
	// a million failures holds its bytes, not its objects.
	var suite Testsuite
	body := suiteEncoder{b: s.spare[:0]}
	s.spare = nil
	skip := 0
	if prefix != nil {
		defer prefix.close()
		skip = prefix.groups
		suite = prefix.counts
	}
	d := buildSuiteAfter(ph, s.opts, skip, &suite, func(tc Testcase) {
		suite.count(&tc)
		body.testcase(&tc)
	})
	head := func(w io.Writer) error {
		if prefix != nil {
			if err := prefix.writeTo(w); err != nil {
				return err
			}
		}
		_, err := w.Write(body.b)
		return err
	}
	s.add(countsOf(&suite), d, 1)
	w := &countingWriter{w: s.spill}
	err := encodeSuitePrefixed(w, &suite, head)
	s.written[ph.ImportPath] = &writtenSuite{start: s.offset, end: s.offset + w.n, runs: len(ph.Runs),
		suite: countsOf(&suite), elapsed: d}
	s.offset += w.n
	if cap(body.b) <= maxSpare {
		s.spare = body.b[:0]
	}
	return err
}

func (s *Stream) add(c suiteCounts, d time.Duration, sign int) {
	s.elapsed += time.Duration(sign) * d
	s.total.Tests += sign * c.tests
	s.total.Failures += sign * c.failures
	s.total.Errors += sign * c.errors
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Finish writes the packages of r not written yet and commits the report.
func (s *Stream) Finish(r *grouping.Report) error {
	pkgs := r.Packages()
	// Packages a truncated stream never ended, written in part already.
	for _, ph := range pkgs {
		if p := ph.Runs[0]; s.prefixes[p] != nil {
			if err := s.WritePackage(grouping.HistoryOf(p)); err != nil {
				s.Abort()
				return err
			}
		}
	}
	return s.finish(pkgs)
}

// finish commits the report once every prefix is written.
func (s *Stream) finish(pkgs []*grouping.PackageHistory) error {
	var again []*grouping.PackageHistory
	for _, ph := range pkgs {
		w := s.written[ph.ImportPath]
		switch {
		case w == nil:
			if err := s.WritePackage(ph); err != nil {
				return err
			}
		case len(ph.Runs) > w.runs:
			again = append(again, ph)
		}
	}
	body, err := s.spill.Detach()
	if err != nil {
		return fmt.Errorf("writing %s: %w", s.path, err)
	}
	defer body.Close()
	// Packages that ran again: one suite from all their attempts replaces
	// the one written after the first.
	var merged []Testsuite
	var stale []*writtenSuite
	for _, ph := range again {
		w := s.written[ph.ImportPath]
		suite, d, err := s.rebuild(body, ph, w)
		if err != nil {
			return fmt.Errorf("writing %s: %w", s.path, err)
		}
		s.add(w.suite, w.elapsed, -1)
		s.add(countsOf(&suite), d, 1)
		merged = append(merged, suite)
		stale = append(stale, w)
	}
	f, err := atomicfile.Create(s.path)
	if err != nil {
		return err
	}
	defer f.Abort()
	s.total.Time = seconds(s.elapsed)
	s.total.Name = sanitizeString(s.opts.ProjectName)
	if _, err := io.WriteString(f, xml.Header+rootOpen(&s.total)); err != nil {
		return fmt.Errorf("writing %s: %w", s.path, err)
	}
	if err := copySkipping(f, body, stale); err != nil {
		return fmt.Errorf("writing %s: %w", s.path, err)
	}
	for i := range merged {
		if err := encodeSuite(f, &merged[i]); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(f, "</testsuites>\n"); err != nil {
		return fmt.Errorf("writing %s: %w", s.path, err)
	}
	return f.Commit()
}

// rebuild builds the suite of a package from all its attempts. Groups
// that passed in its first attempt were compacted after they were written:
// their testcases are read back from the suite written then, unless the
// group ran again.
func (s *Stream) rebuild(spill io.ReaderAt, ph *grouping.PackageHistory, w *writtenSuite) (Testsuite, time.Duration, error) {
	suite, d := buildSuite(ph, s.opts)
	old := make([]byte, w.end-w.start)
	if _, err := spill.ReadAt(old, w.start); err != nil {
		return suite, d, err
	}
	var first Testsuite
	if err := xml.Unmarshal(old, &first); err != nil {
		return suite, d, err
	}
	ran := map[string]bool{}
	for _, h := range ph.Groups {
		ran[h.Name] = true
	}
	for _, tc := range first.Testcases {
		name := tc.Name
		if s.opts.ClassnameGroup {
			pkgClass, _ := s.opts.names(ph.ImportPath, "")
			name = strings.TrimPrefix(tc.Classname, pkgClass+".")
		}
		if top, _, _ := strings.Cut(name, "/"); !ran[top] && tc.State() == Passed {
			suite.AddTestcase(tc)
		}
	}
	return suite, d, nil
}

// copySkipping copies r to w, leaving out the given byte ranges.
func copySkipping(w io.Writer, r io.ReadSeeker, skip []*writtenSuite) error {
	sort.Slice(skip, func(i, j int) bool { return skip[i].start < skip[j].start })
	var at int64
	for _, k := range skip {
		if _, err := io.CopyN(w, r, k.start-at); err != nil {
			return err
		}
		if _, err := r.Seek(k.end, io.SeekStart); err != nil {
			return err
		}
		at = k.end
	}
	_, err := io.Copy(w, r)
	return err
}

// Abort discards the report; the file at path is left as it was.
func (s *Stream) Abort() {
	for _, pr := range s.prefixes {
		pr.close()
	}
	s.spill.Abort()
}

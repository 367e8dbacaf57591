package grouping

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/gorerun/gorerun/internal/file/spool"
)

// spooledGroups is where Compact moved the groups a finished package kept
// (those with a test that did not pass): their encoding (see
// appendGroup), then their tests' outputs, in one byte string of a spool.
// A recorded stream's failed groups are read again only when the run
// ends, and until then they were most of its memory.
type spooledGroups struct {
	s    *spool.File
	r    spool.Ref
	head int // the encoding's length: the outputs follow it
	// evidence holds the tests' Evidence, in order, for the tests that
	// have any: it stays in memory, as it is (its files are listed once).
	evidence []*Evidence
}

// spoolGroups moves p's groups to s, reporting whether it did (s is nil,
// or could not take them: they stay in memory).
func (p *Package) spoolGroups(s *spool.File) bool {
	if s == nil || len(p.Groups) == 0 {
		return false
	}
	sg := &spooledGroups{s: s}
	parts := [][]byte{binary.AppendUvarint(nil, uint64(len(p.Groups)))} // the encoding, then the outputs
	for _, g := range p.Groups {
		parts[0] = appendGroup(parts[0], g)
		for _, t := range g.Tests {
			out := t.Output()
			parts[0] = appendTest(parts[0], t, len(out))
			parts = append(parts, out)
			if t.Evidence != nil {
				sg.evidence = append(sg.evidence, t.Evidence)
			}
		}
	}
	sg.head = len(parts[0])
	r, err := s.Put(parts...)
	if err != nil {
		return false
	}
	sg.r = r
	p.kept, p.Groups = sg, nil
	return true
}

// restore reads back the groups Compact moved to a spool. When they cannot
// be read, each is lost but the run still fails: the package gets one
// group in error that says why.
func (p *Package) restore() {
	sg := p.kept
	if sg == nil {
		return
	}
	p.kept = nil
	p.gen++ // new tests: the tracker's caches are stale
	head, err := sg.s.Get(sg.r.Slice(0, sg.head))
	if err == nil {
		p.Groups, err = sg.decode(head)
	}
	if err != nil {
		msg := fmt.Sprintf("[gorerun: the groups of this package that did not pass were kept in a temporary file and could not be read back: %v]\n", err)
		p.Groups = []*Group{{Name: "[groups lost]", Attempt: p.Attempt, Tests: []*Test{{Name: "[groups lost]", Status: Error, out: []byte(msg)}}}}
	}
}

// errCorrupt is a spooled encoding that does not decode.
var errCorrupt = errors.New("corrupt")

// appendGroup encodes g without its tests (they follow it).
func appendGroup(b []byte, g *Group) []byte {
	b = appendString(b, g.Name)
	b = binary.AppendUvarint(b, uint64(g.Attempt))
	b = append(b, flags(g.Incremental, g.Race))
	return binary.AppendUvarint(b, uint64(len(g.Tests)))
}

// appendTest encodes t, whose output (outLen bytes) goes after the
// encoding of all groups.
func appendTest(b []byte, t *Test, outLen int) []byte {
	b = appendString(b, t.Name)
	b = binary.AppendVarint(b, int64(t.Status))
	b = binary.AppendVarint(b, int64(t.Elapsed))
	b = binary.AppendUvarint(b, uint64(t.Dropped))
	b = binary.AppendVarint(b, t.started)
	b = binary.AppendVarint(b, t.ended)
	b = append(b, flags(t.CutOff, t.errorDone, t.Evidence != nil))
	b = binary.AppendVarint(b, int64(t.own))
	b = appendString(b, t.ErrorText)
	return binary.AppendUvarint(b, uint64(outLen))
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// flags packs bools into a byte, the first in the lowest bit.
func flags(bs ...bool) byte {
	var f byte
	for i, b := range bs {
		if b {
			f |= 1 << i
		}
	}
	return f
}

// decode rebuilds the groups from head, the encoding spoolGroups wrote.
func (sg *spooledGroups) decode(head []byte) ([]*Group, error) {
	d := decoder{b: head}
	groups := make([]*Group, d.uvarint())
	at := sg.head // where the next test's output is
	evidence := sg.evidence
	for i := range groups {
		g := &Group{Name: d.string(), Attempt: int(d.uvarint())}
		f := d.byte()
		g.Incremental, g.Race = f&1 != 0, f&2 != 0
		n := d.uvarint()
		if d.err != nil || n > uint64(len(d.b)) {
			return nil, fmt.Errorf("spooled groups: %w", errCorrupt)
		}
		tests := make([]Test, n)
		g.Tests = make([]*Test, n)
		for j := range tests {
			t := &tests[j]
			t.Name = d.string()
			t.Status = Status(d.varint())
			t.Elapsed = time.Duration(d.varint())
			t.Dropped = int(d.uvarint())
			t.started, t.ended = d.varint(), d.varint()
			f := d.byte()
			t.CutOff, t.errorDone = f&1 != 0, f&2 != 0
			if f&4 != 0 && len(evidence) > 0 {
				t.Evidence, evidence = evidence[0], evidence[1:]
			}
			t.own = int(d.varint())
			t.ErrorText = d.string()
			outLen := d.uvarint()
			if d.err != nil || outLen > uint64(sg.r.Len()-at) {
				return nil, fmt.Errorf("spooled groups: %w", errCorrupt)
			}
			if outLen > 0 {
				t.spooled = &spooled{s: sg.s, r: sg.r.Slice(at, int(outLen))}
				at += int(outLen)
			}
			g.Tests[j] = t
		}
		groups[i] = g
	}
	if d.err != nil {
		return nil, fmt.Errorf("spooled groups: %w", d.err)
	}
	return groups, nil
}

// decoder reads what appendGroup and appendTest wrote; err is set by the
// first read past the end.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 { return readVarint(d, binary.Uvarint) }

func (d *decoder) varint() int64 { return readVarint(d, binary.Varint) }

// readVarint reads a number with binary.Uvarint or binary.Varint.
func readVarint[T uint64 | int64](d *decoder, read func([]byte) (T, int)) T {
	v, n := read(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

package grouping

import (
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/gorerun/gorerun/internal/file/spool"
	"github.com/gorerun/gorerun/testjson"
)

// fill sets every field of the struct v points to a value that is not
// the zero one, exported or not, but for the fields named in skip: a
// field added later is filled too, so the round trip below checks it.
func fill(t *testing.T, v any, seed int, skip ...string) {
	t.Helper()
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		sf := rv.Type().Field(i)
		if strings.Contains(" "+strings.Join(skip, " ")+" ", " "+sf.Name+" ") {
			continue
		}
		f := reflect.NewAt(sf.Type, unsafe.Pointer(rv.Field(i).UnsafeAddr())).Elem()
		switch f.Kind() {
		case reflect.String:
			f.SetString(sf.Name + "-" + string(rune('a'+seed)))
		case reflect.Int, reflect.Int64, reflect.Int32:
			f.SetInt(int64(1000*seed + i + 1))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Slice:
			if sf.Type.Elem().Kind() != reflect.Uint8 {
				t.Fatalf("%s.%s: a %s to fill: teach fill (and the encoding) about it", rv.Type(), sf.Name, sf.Type)
			}
			f.SetBytes([]byte(strings.Repeat("output line\n", seed+1)))
		default:
			t.Fatalf("%s.%s: a %s to fill: teach fill (and the encoding) about it", rv.Type(), sf.Name, sf.Type)
		}
	}
}

// field returns the value of v's field name, exported or not.
func field(v any, name string) any {
	rv := reflect.ValueOf(v).Elem()
	f := rv.FieldByName(name)
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface()
}

// TestSpooledGroupsComeBackWhole: every field of every group and test
// that Compact moves to a spool comes back as it was, the outputs read
// from the spool and the evidence the very same.
func TestSpooledGroupsComeBackWhole(t *testing.T) {
	sp := spool.New(t.TempDir())
	defer sp.Close()
	p := &Package{ImportPath: "m", Attempt: 2}
	var want []*Group
	for gi := range 3 {
		g := &Group{}
		fill(t, g, gi, "Tests", "spare")
		for ti := range 3 {
			tst := &Test{}
			fill(t, tst, 3*gi+ti, "spooled", "Evidence")
			if ti == 1 {
				tst.Evidence = &Evidence{Attrs: []Attr{{"k", "v"}}, Artifacts: []string{"/a"}}
			}
			if ti == 2 {
				tst.out = nil // no output
			}
			g.Tests = append(g.Tests, tst)
		}
		want = append(want, g)
	}
	p.Groups = append([]*Group(nil), want...)
	if !p.spoolGroups(sp) {
		t.Fatal("spoolGroups did not take the groups")
	}
	if p.Groups != nil || p.kept == nil {
		t.Fatal("the groups stayed in memory")
	}
	p.restore()
	if len(p.Groups) != len(want) {
		t.Fatalf("%d groups back, want %d", len(p.Groups), len(want))
	}
	for gi, g := range p.Groups {
		w := want[gi]
		for _, name := range []string{"Name", "Incremental", "Attempt", "Race"} {
			if got, exp := field(g, name), field(w, name); got != exp {
				t.Errorf("group %d: %s = %v, want %v", gi, name, got, exp)
			}
		}
		if n := reflect.TypeFor[Group]().NumField(); n != 6 {
			t.Errorf("Group has %d fields: compare the new one here and encode it in appendGroup", n)
		}
		if len(g.Tests) != len(w.Tests) {
			t.Fatalf("group %d: %d tests, want %d", gi, len(g.Tests), len(w.Tests))
		}
		for ti, tst := range g.Tests {
			wt := w.Tests[ti]
			rt := reflect.TypeFor[Test]()
			for i := range rt.NumField() {
				name := rt.Field(i).Name
				switch name {
				case "out", "spooled":
					continue // the output, compared below
				case "Evidence":
					if tst.Evidence != wt.Evidence {
						t.Errorf("group %d test %d: Evidence %p, want the same %p", gi, ti, tst.Evidence, wt.Evidence)
					}
					continue
				}
				if got, exp := field(tst, name), field(wt, name); got != exp {
					t.Errorf("group %d test %d: %s = %v, want %v", gi, ti, name, got, exp)
				}
			}
			if got, exp := string(tst.Output()), string(wt.out); got != exp || tst.OutputLen() != len(wt.out) {
				t.Errorf("group %d test %d: Output %q (len %d), want %q", gi, ti, got, tst.OutputLen(), exp)
			}
			if len(wt.out) > 0 && tst.out != nil {
				t.Errorf("group %d test %d: output back in memory, want it read from the spool", gi, ti)
			}
		}
	}
}

// TestTrackerFinishReadsSpooledGroupsBack: a package compacted while the
// stream went on (as --input does) is whole again in the Attempt that
// Finish returns: the same groups, tests, statuses and outputs as a
// tracker that never compacted.
func TestTrackerFinishReadsSpooledGroupsBack(t *testing.T) {
	stream := strings.Join([]string{
		`{"Action":"run","Package":"a","Test":"TestPass"}`,
		`{"Action":"pass","Package":"a","Test":"TestPass"}`,
		`{"Action":"run","Package":"a","Test":"TestFail"}`,
		`{"Action":"run","Package":"a","Test":"TestFail/ok"}`,
		`{"Action":"pass","Package":"a","Test":"TestFail/ok"}`,
		`{"Action":"run","Package":"a","Test":"TestFail/bad"}`,
		`{"Action":"output","Package":"a","Test":"TestFail/bad","Output":"    a_test.go:9: wrong\n"}`,
		`{"Action":"fail","Package":"a","Test":"TestFail/bad","Elapsed":0.5}`,
		`{"Action":"fail","Package":"a","Test":"TestFail","Elapsed":0.6}`,
		`{"Action":"run","Package":"a","Test":"TestSkip"}`,
		`{"Action":"output","Package":"a","Test":"TestSkip","Output":"    a_test.go:12: not here\n"}`,
		`{"Action":"skip","Package":"a","Test":"TestSkip"}`,
		`{"Action":"fail","Package":"a","Elapsed":1}`,
		`{"Action":"run","Package":"b","Test":"TestB"}`,
		`{"Action":"fail","Package":"b","Test":"TestB"}`,
		`{"Action":"fail","Package":"b","Elapsed":1}`,
	}, "\n") + "\n"
	want := trackString(t, stream, Options{Attempt: 1})

	sp := spool.New(t.TempDir())
	defer sp.Close()
	tr := NewTracker(Options{Attempt: 1})
	d := testjson.NewDecoder(strings.NewReader(stream))
	for d.Scan() {
		ev := d.Event()
		tr.Add(ev)
		if ev.Test == "" && ev.Action.IsTerminal() {
			p := tr.Package(ev.Package)
			p.Compact(sp)
			if len(p.Groups) != 0 {
				t.Fatalf("%s: %d groups in memory after Compact", p.ImportPath, len(p.Groups))
			}
		}
	}
	got := tr.Finish()
	if len(got.Packages) != len(want.Packages) {
		t.Fatalf("%d packages, want %d", len(got.Packages), len(want.Packages))
	}
	for i, p := range got.Packages {
		w := want.Packages[i]
		if p.Compacted.Groups != 1-i || len(p.Groups) != len(w.Groups)-p.Compacted.Groups {
			t.Errorf("%s: %d groups kept and %d dropped, want %d in all", p.ImportPath, len(p.Groups), p.Compacted.Groups, len(w.Groups))
		}
		for _, g := range p.Groups {
			wg := w.Group(g.Name)
			if wg == nil || len(g.Tests) != len(wg.Tests) || g.Status() != wg.Status() || g.Wall() != wg.Wall() {
				t.Fatalf("%s %s: not the group tracked without compacting", p.ImportPath, g.Name)
			}
			for j, tst := range g.Tests {
				wt := wg.Tests[j]
				if tst.Name != wt.Name || tst.Status != wt.Status || tst.Elapsed != wt.Elapsed || string(tst.Output()) != string(wt.Output()) || tst.FailureMessage() != wt.FailureMessage() {
					t.Errorf("%s %s: %+v %q, want %+v %q", p.ImportPath, tst.Name, tst.Status, tst.Output(), wt.Status, wt.Output())
				}
			}
		}
	}
}

// TestSpooledGroupsLostStillFail: groups that cannot be read back (the
// spool is gone) leave a group in error that says so, never a package
// that looks as if nothing failed.
func TestSpooledGroupsLostStillFail(t *testing.T) {
	sp := spool.New(t.TempDir())
	p := &Package{ImportPath: "m", Attempt: 1, Groups: []*Group{{Name: "TestA", Attempt: 1, Tests: []*Test{{Name: "TestA", Status: Fail}}}}}
	if !p.spoolGroups(sp) {
		t.Fatal("spoolGroups did not take the groups")
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	p.restore()
	if len(p.Groups) != 1 || p.Groups[0].Status() != Error || !strings.Contains(string(p.Groups[0].Top().Output()), "could not be read back") {
		t.Fatalf("lost groups: %d groups, %+v", len(p.Groups), p.Groups)
	}
}

// TestSpooledGroupsCorrupt: an encoding cut short is an error, not a
// panic or groups made up.
func TestSpooledGroupsCorrupt(t *testing.T) {
	g := &Group{Name: "TestA", Tests: []*Test{{Name: "TestA", Status: Fail}}}
	head := appendTest(appendGroup(binary.AppendUvarint(nil, 1), g), g.Tests[0], 0)
	sp := spool.New(t.TempDir())
	defer sp.Close()
	r, err := sp.Put(head)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&spooledGroups{s: sp, r: r, head: len(head)}).decode(head); err != nil {
		t.Fatalf("the whole encoding: %v", err)
	}
	for n := range len(head) {
		sg := &spooledGroups{s: sp, r: r.Slice(0, n), head: n}
		if _, err := sg.decode(head[:n]); !errors.Is(err, errCorrupt) {
			t.Errorf("decoding %d of %d bytes: %v, want errCorrupt", n, len(head), err)
		}
	}
}

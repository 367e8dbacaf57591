package spool

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"testing"
)

func TestPutGet(t *testing.T) {
	dir := t.TempDir()
	s := New(dir)
	defer s.Close()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a spool nothing was put in created %d files", len(entries))
	}
	var refs []Ref
	var want [][]byte
	for i := range 3000 { // past the write buffer many times
		b := bytes.Repeat([]byte{byte('a' + i%26)}, i%500)
		r, err := s.Put(b)
		if err != nil {
			t.Fatal(err)
		}
		refs, want = append(refs, r), append(want, b)
		if i%7 == 0 { // reads between writes: some still buffered
			j := i / 2
			got, err := s.Get(refs[j])
			if err != nil || !bytes.Equal(got, want[j]) {
				t.Fatalf("Get %d after %d puts: %q, %v", j, i+1, got, err)
			}
		}
	}
	buf := []byte("prefix:")
	for i, r := range refs {
		if r.Len() != len(want[i]) {
			t.Fatalf("Len %d: %d, want %d", i, r.Len(), len(want[i]))
		}
		got, err := s.AppendTo(buf[:7], r)
		if err != nil || string(got[:7]) != "prefix:" || !bytes.Equal(got[7:], want[i]) {
			t.Fatalf("AppendTo %d: %q, %v", i, got, err)
		}
		buf = got
	}
	var total int64
	for _, b := range want {
		total += int64(len(b))
	}
	if s.Size() != total {
		t.Errorf("Size %d, want %d", s.Size(), total)
	}
}

func TestFileIsGoneAfterClose(t *testing.T) {
	dir := t.TempDir()
	s := New(dir)
	r, err := s.Put([]byte("kept"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files left after Close", len(entries))
	}
	if _, err := s.Get(r); err == nil {
		t.Error("Get after Close: no error")
	}
	if _, err := s.Put([]byte("x")); err == nil {
		t.Error("Put after Close: no error")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestUnusableDirectoryFailsPut(t *testing.T) {
	s := New(t.TempDir() + "/missing")
	if _, err := s.Put([]byte("x")); err == nil {
		t.Fatal("Put into a missing directory: no error")
	}
	if _, err := s.Put([]byte("y")); err == nil {
		t.Fatal("second Put: no error")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestConcurrentPutAndGet(t *testing.T) {
	s := New(t.TempDir())
	defer s.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				b := fmt.Appendf(nil, "goroutine %d line %d\n", g, i)
				r, err := s.Put(b)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := s.Get(r); err != nil || !bytes.Equal(got, b) {
					t.Errorf("got %q, %v, want %q", got, err, b)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestSlice(t *testing.T) {
	s := New(t.TempDir())
	defer s.Close()
	if _, err := s.Put([]byte("before")); err != nil {
		t.Fatal(err)
	}
	r, err := s.Put([]byte("head"), []byte("body"), nil, []byte("tail")) // one byte string of three parts
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		i, n int
		want string
	}{{0, 4, "head"}, {4, 4, "body"}, {8, 4, "tail"}, {0, 12, "headbodytail"}, {12, 0, ""}} {
		got, err := s.Get(r.Slice(tc.i, tc.n))
		if err != nil || string(got) != tc.want {
			t.Errorf("Slice(%d, %d): %q, %v; want %q", tc.i, tc.n, got, err, tc.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Slice past the end did not panic")
		}
	}()
	r.Slice(8, 5)
}

package runner

import (
	"io"
	"testing"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/testjson"
)

// endObserver reports each package end as it is observed.
type endObserver struct {
	noObserver
	ended chan string
}

func (o endObserver) Event(_ int, ev *testjson.Event, _ []byte, pkg *grouping.Package) {
	if pkg != nil && ev.Test == "" && ev.Action.IsTerminal() {
		o.ended <- ev.Package
	}
}

// A live stream (--raw-command, a pipe on stdin) that pauses shows what it
// wrote so far: events are not held back until more come.
func TestReadShowsEventsBeforeTheStreamPauses(t *testing.T) {
	r, w := io.Pipe()
	obs := endObserver{ended: make(chan string, 4)}
	done := make(chan error, 1)
	go func() {
		_, err := Read(r, "stream", obs, grouping.Options{})
		done <- err
	}()
	io.WriteString(w, `{"Action":"start","Package":"m/a"}
{"Action":"run","Package":"m/a","Test":"TestA"}
{"Action":"pass","Package":"m/a","Test":"TestA"}
{"Action":"pass","Package":"m/a"}
{"Action":"start","Package":"m/b"}
`)
	select {
	case p := <-obs.ended:
		if p != "m/a" {
			t.Fatalf("first package end seen: %q", p)
		}
	case <-time.After(time.Minute): // without the fix it never comes; decoding five lines takes far less on any machine
		t.Fatal("m/a ended a minute ago and the observer has not seen it: events wait for more input")
	}
	io.WriteString(w, `{"Action":"pass","Package":"m/b"}`+"\n")
	w.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p := <-obs.ended; p != "m/b" {
		t.Fatalf("second package end seen: %q", p)
	}
}

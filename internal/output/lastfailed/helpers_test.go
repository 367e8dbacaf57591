package lastfailed

import (
	"strings"

	"github.com/gorerun/gorerun/testjson"
)

func events(s string) []*testjson.Event {
	var out []*testjson.Event
	d := testjson.NewDecoder(strings.NewReader(s))
	for d.Scan() {
		ev := *d.Event()
		out = append(out, &ev)
	}
	return out
}

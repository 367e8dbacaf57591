// Package testjson decodes the event stream that `go test -json` (test2json)
// writes.
//
// The Decoder reads one event per line with no limit on line length, keeps
// lines that are not JSON as package-less output events instead of failing,
// and accepts actions and fields that newer Go versions add. It does not
// interpret events: grouping does that.
package testjson

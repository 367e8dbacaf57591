// Package grouping turns `go test -json` events into results.
//
// A group is one package's top-level test with all its subtests: the unit
// gorerun reruns, like a pytest test class. A Tracker folds the events of one
// attempt (one round of go test processes) into an Attempt; a Report holds
// every attempt of every group; Plan decides, as a pure function of a Report,
// which groups the next round reruns; Pattern builds the anchored -run and
// -skip expressions that select them.
package grouping

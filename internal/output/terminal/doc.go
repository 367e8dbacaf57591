// Package terminal shows a run in the terminal: live progress in the formats
// gotestsum users know (dots, pkgname, testname, standard-verbose,
// standard-quiet, github-actions), rerun rounds as they start, and a final
// summary of passed, flaky, failed and skipped groups.
package terminal

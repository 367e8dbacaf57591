// Package junitout builds JUnit XML reports from a grouping.Report.
//
// One <testsuite> per package, one <testcase> per test (parents and
// subtests), classname = import path, as gotestsum and go-junit-report
// write them. Attempts before the last are recorded with Maven Surefire's
// elements: <flakyFailure>/<flakyError> on a testcase that passed on a rerun,
// <rerunFailure>/<rerunError> on one that failed every attempt. Reports
// validate against the Jenkins xunit and Surefire 3.0 schemas; for that,
// timestamp and hostname are written as properties (Surefire's schema does
// not allow them as testsuite attributes).
//
// The API, by task:
//   - a report in memory: Build, then Encode or WriteFile;
//   - a report too large for memory: a Stream, written package by package;
//   - a rerun merged into an earlier report: Update (or ParseReport before
//     the run and OldReport.WriteUpdate after it);
//   - reports of many jobs as one: Merge and MergeFiles;
//   - any tool's report read back: IsReport and ReadSuites.
package junitout

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
package junitout

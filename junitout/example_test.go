package junitout_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/junitout"
	"github.com/gorerun/gorerun/testjson"
)

// track folds one attempt's go test -json stream into its results.
func track(attempt int, stream string) *grouping.Attempt {
	tr := grouping.NewTracker(grouping.Options{Attempt: attempt})
	d := testjson.NewDecoder(strings.NewReader(stream))
	for d.Scan() {
		tr.Add(d.Event())
	}
	return tr.Finish()
}

// A test that failed and then passed on a rerun is one testcase with
// Surefire's <flakyFailure> for the failed attempt.
func ExampleBuild() {
	report := &grouping.Report{}
	report.Add(track(1, `{"Action":"run","Package":"m/p","Test":"TestA"}
{"Action":"output","Package":"m/p","Test":"TestA","Output":"    a_test.go:9: timeout\n"}
{"Action":"fail","Package":"m/p","Test":"TestA","Elapsed":0.5}
{"Action":"fail","Package":"m/p","Elapsed":0.6}
`))
	report.Add(track(2, `{"Action":"run","Package":"m/p","Test":"TestA"}
{"Action":"pass","Package":"m/p","Test":"TestA","Elapsed":0.25}
{"Action":"pass","Package":"m/p","Elapsed":0.3}
`))
	suites := junitout.Build(report, junitout.Options{
		GoVersion: "go1.26.0", Version: "v1.0.0", Hostname: "ci-1",
		Timestamp: time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC),
	})
	tc := suites.Suites[0].Testcases[0]
	fmt.Printf("%s %s: %d flaky failure(s), first: %q\n", tc.Classname, tc.Name, len(tc.FlakyFailures), tc.FlakyFailures[0].Message)
	if err := junitout.Encode(os.Stdout, suites); err != nil {
		fmt.Println(err)
	}
	// Output:
	// m/p TestA: 1 flaky failure(s), first: "timeout"
	// <?xml version="1.0" encoding="UTF-8"?>
	// <testsuites tests="1" failures="0" errors="0" time="0.900">
	// 	<testsuite name="m/p" tests="1" failures="0" errors="0" skipped="0" time="0.900">
	// 		<properties>
	// 			<property name="go.version" value="go1.26.0"></property>
	// 			<property name="gorerun.version" value="v1.0.0"></property>
	// 			<property name="timestamp" value="2026-12-02T04:00:00Z"></property>
	// 			<property name="hostname" value="ci-1"></property>
	// 		</properties>
	// 		<testcase name="TestA" classname="m/p" time="0.250">
	// 			<flakyFailure message="timeout" type="failure">
	// 				<stackTrace><![CDATA[    a_test.go:9: timeout
	// ]]></stackTrace>
	// 				<system-out><![CDATA[    a_test.go:9: timeout
	// ]]></system-out>
	// 			</flakyFailure>
	// 		</testcase>
	// 	</testsuite>
	// </testsuites>
}

// Update merges a rerun into the report of an earlier run: the testcase
// that passed now keeps its earlier failure as a <flakyFailure>.
func ExampleUpdate() {
	old := `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="2" failures="1" errors="0">
  <testsuite name="m/p" tests="2" failures="1" errors="0">
    <testcase classname="m/p" name="TestA" time="0.5">
      <failure message="Failed" type="">timeout</failure>
    </testcase>
    <testcase classname="m/p" name="TestB" time="0.1"></testcase>
  </testsuite>
</testsuites>
`
	rerun := &grouping.Report{}
	rerun.Add(track(2, `{"Action":"run","Package":"m/p","Test":"TestA"}
{"Action":"pass","Package":"m/p","Test":"TestA","Elapsed":0.25}
{"Action":"pass","Package":"m/p","Elapsed":0.3}
`))
	updated, totals, err := junitout.Update([]byte(old), junitout.Build(rerun, junitout.Options{}), junitout.UpdateOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("tests %d, failures %d, errors %d\n", totals.Tests, totals.Failures, totals.Errors)
	fmt.Print(string(updated))
	// Output:
	// tests 2, failures 0, errors 0
	// <?xml version="1.0" encoding="UTF-8"?>
	// <testsuites tests="2" failures="0" errors="0">
	//   <testsuite name="m/p" tests="2" failures="0" errors="0" skipped="0">
	//     <testcase name="TestA" classname="m/p" time="0.250">
	//     	<flakyFailure message="Failed" type="failure">
	//     		<stackTrace><![CDATA[timeout]]></stackTrace>
	//     	</flakyFailure>
	//     </testcase>
	//     <testcase classname="m/p" name="TestB" time="0.1"></testcase>
	//   </testsuite>
	// </testsuites>
}

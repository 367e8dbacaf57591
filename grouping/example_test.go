package grouping_test

import (
	"fmt"
	"strings"

	"github.com/gorerun/gorerun/grouping"
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

// A subtest fails, so its whole group (the top-level test with all its
// subtests) reruns; it passes on the rerun, so the group is flaky and the
// run passes.
func ExamplePlan() {
	first := `{"Action":"run","Package":"m/p","Test":"TestCart"}
{"Action":"run","Package":"m/p","Test":"TestCart/add"}
{"Action":"pass","Package":"m/p","Test":"TestCart/add"}
{"Action":"run","Package":"m/p","Test":"TestCart/pay"}
{"Action":"fail","Package":"m/p","Test":"TestCart/pay"}
{"Action":"fail","Package":"m/p","Test":"TestCart"}
{"Action":"run","Package":"m/p","Test":"TestLogin"}
{"Action":"pass","Package":"m/p","Test":"TestLogin"}
{"Action":"fail","Package":"m/p"}
`
	report := &grouping.Report{}
	report.Add(track(1, first))

	plan := grouping.Plan(report, grouping.PlanOptions{MaxReruns: 2, MaxFailures: -1})
	for _, r := range plan.Reruns {
		fmt.Printf("attempt %d: go test %s %s\n", plan.Round, strings.Join(r.Args(), " "), r.Package)
	}

	rerun := `{"Action":"run","Package":"m/p","Test":"TestCart"}
{"Action":"run","Package":"m/p","Test":"TestCart/add"}
{"Action":"pass","Package":"m/p","Test":"TestCart/add"}
{"Action":"run","Package":"m/p","Test":"TestCart/pay"}
{"Action":"pass","Package":"m/p","Test":"TestCart/pay"}
{"Action":"pass","Package":"m/p","Test":"TestCart"}
{"Action":"pass","Package":"m/p"}
`
	report.Add(track(plan.Round, rerun))
	c := report.Counts()
	fmt.Printf("groups %d, flaky %d, failed %d, run failed: %v\n", c.Groups, c.FlakyGroups, c.FailedGroups, report.Failed())
	fmt.Printf("next round: %d reruns\n", len(grouping.Plan(report, grouping.PlanOptions{MaxReruns: 2}).Reruns))
	// Output:
	// attempt 2: go test -run ^(?:TestCart)$ m/p
	// groups 2, flaky 1, failed 0, run failed: false
	// next round: 0 reruns
}

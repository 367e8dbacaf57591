package htmlreport

import (
	"fmt"
	"sort"
	"time"

	"github.com/gorerun/gorerun/grouping"
)

// timeline is the SVG of packages over wall time: a row per package, a
// bar per attempt (rerun rounds show as later bars), colored by status.
type timeline struct {
	Width, Height, LabelWidth int
	Rows                      []timelineRow
	Ticks                     []tick
	More                      int // packages not drawn
}

type timelineRow struct {
	Y     int
	Label string
	Bars  []bar
}

type bar struct {
	X, W   float64
	Status string
	Title  string
}

type tick struct {
	X     float64
	Label string
}

const (
	maxRows   = 80
	rowHeight = 18
	plotWidth = 900
)

func buildTimeline(r *grouping.Report) timeline {
	type span struct {
		pkg        string
		attempt    int
		start, end time.Time
		status     string
	}
	var spans []span
	var first, last time.Time
	for _, a := range r.Attempts {
		for _, p := range a.Packages {
			end := p.Ended()
			if end.IsZero() {
				continue
			}
			start := end.Add(-p.Elapsed)
			st := statusPass
			switch p.Status {
			case grouping.PackageFail, grouping.PackageBuildFailed, grouping.PackageIncomplete:
				st = statusFail
			case grouping.PackageSkip:
				st = statusSkip
			}
			spans = append(spans, span{p.ImportPath, a.Number, start, end, st})
			if first.IsZero() || start.Before(first) {
				first = start
			}
			if end.After(last) {
				last = end
			}
		}
	}
	t := timeline{LabelWidth: 260, Width: 260 + plotWidth + 40}
	if len(spans) == 0 {
		return t
	}
	total := last.Sub(first)
	if total <= 0 {
		total = time.Millisecond
	}
	x := func(at time.Time) float64 {
		return float64(t.LabelWidth) + float64(plotWidth)*float64(at.Sub(first))/float64(total)
	}
	rowOf := map[string]int{}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })
	for _, s := range spans {
		i, ok := rowOf[s.pkg]
		if !ok {
			if len(t.Rows) == maxRows {
				t.More++
				rowOf[s.pkg] = -1
				continue
			}
			i = len(t.Rows)
			rowOf[s.pkg] = i
			t.Rows = append(t.Rows, timelineRow{Y: 24 + i*rowHeight, Label: s.pkg})
		}
		if i < 0 {
			continue
		}
		w := max(x(s.end)-x(s.start), 2)
		t.Rows[i].Bars = append(t.Rows[i].Bars, bar{X: x(s.start), W: w, Status: s.status,
			Title: fmt.Sprintf("%s, attempt %d: %s, %.2fs", s.pkg, s.attempt, s.status, s.end.Sub(s.start).Seconds())})
	}
	for k := 0; k <= 4; k++ {
		at := first.Add(total * time.Duration(k) / 4)
		t.Ticks = append(t.Ticks, tick{X: x(at), Label: fmt.Sprintf("%.1fs", at.Sub(first).Seconds())})
	}
	t.Height = 24 + len(t.Rows)*rowHeight + 10
	return t
}

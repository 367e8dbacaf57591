package terminal

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/gorerun/gorerun/grouping"
)

// Markdown writes a CI summary (GitHub's job summary, GITHUB_STEP_SUMMARY):
// totals, a table of flaky groups, and each failure with a short excerpt.
func Markdown(w io.Writer, r *grouping.Report, elapsed time.Duration) error {
	var b strings.Builder
	c := r.Counts()
	status := "✅ passed"
	if r.Failed() {
		status = "❌ failed"
	}
	fmt.Fprintf(&b, "## gorerun: %s\n\n", status)
	b.WriteString("| tests | passed | flaky groups | failed | skipped | errors | build failures | runs | time |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d | %s |\n\n",
		c.Tests, c.Passed, c.FlakyGroups, c.Failed, c.Skipped, c.Errors+c.Interrupted, c.BuildFailures, c.Runs, seconds(elapsed.Round(time.Millisecond)))
	pkgs := r.Packages()
	if flaky := grouping.FlakyGroups(pkgs); len(flaky) > 0 {
		b.WriteString("### Flaky groups\n\n| package | group | attempts | first failure |\n| --- | --- | ---: | --- |\n")
		for _, h := range flaky {
			msg := ""
			for _, g := range h.Runs {
				if g.Status().Failed() {
					msg = firstFailure(g)
					break
				}
			}
			fmt.Fprintf(&b, "| `%s` | `%s` | %d | %s |\n", cell(h.Package), cell(h.Name), h.Final().Attempt, cell(msg))
		}
		b.WriteString("\n")
	}
	first := true
	failure := func(title, body string) {
		if first {
			b.WriteString("### Failures\n\n")
			first = false
		}
		fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n```\n%s\n```\n\n</details>\n\n", title, excerpt(body, 20))
	}
	for _, ph := range pkgs {
		if p := ph.Final(); p.Status == grouping.PackageBuildFailed {
			failure(fmt.Sprintf("<code>%s</code>: build failed", html(ph.ImportPath)), p.BuildOutput)
			continue
		}
		for _, h := range ph.Groups {
			if !h.Status().Failed() {
				continue
			}
			var out strings.Builder
			for _, t := range h.Final().Tests {
				if t.Status.Failed() {
					out.Write(grouping.StripFraming(t.Output()))
				}
			}
			note := ""
			if n := len(h.Runs); n > 1 {
				note = fmt.Sprintf(", failed all %d attempts", n)
			}
			failure(fmt.Sprintf("<code>%s</code> <code>%s</code>: %s%s", html(ph.ImportPath), html(h.Name), html(h.Final().Status().String()), note), out.String())
		}
		if f := ph.Final(); f.FailedWithoutTest() {
			failure(fmt.Sprintf("<code>%s</code>: package failed without a failing test", html(ph.ImportPath)), string(f.Output))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func firstFailure(g *grouping.Group) string {
	for _, t := range g.Tests {
		if t.Status.Failed() {
			if msg := g.FailureMessage(t); msg != "" && !strings.HasPrefix(msg, "subtest ") {
				return msg
			}
		}
	}
	return g.FailureMessage(g.Top())
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

func html(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// excerpt keeps the last n lines of s, and no "```" that would end the block.
func excerpt(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines not shown ...]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.ReplaceAll(strings.Join(lines, "\n"), "```", "'''")
}

// location matches the file:line prefix testing writes before a log line.
var location = regexp.MustCompile(`^\s*([\w./-]+\.go):(\d+): (.*)$`)

// Annotations writes a GitHub Actions ::error annotation for each test that
// failed in its last attempt, at the file and line of its first log line.
// modulePath and the package's import path give the file's path from the
// repository root (the module's root); without them, the file name alone.
func Annotations(w io.Writer, r *grouping.Report, modulePath string) {
	for _, ph := range r.Packages() {
		dir := ""
		if modulePath != "" && strings.HasPrefix(ph.ImportPath+"/", modulePath+"/") {
			dir = strings.TrimPrefix(strings.TrimPrefix(ph.ImportPath, modulePath), "/")
		}
		for _, h := range ph.Groups {
			if !h.Status().Failed() {
				continue
			}
			for _, t := range h.Final().Tests {
				if !t.Status.Failed() {
					continue
				}
				file, line, msg := "", "", h.Final().FailureMessage(t)
				if strings.HasPrefix(msg, "subtest ") {
					continue // the subtest has its own annotation
				}
				for _, l := range strings.Split(string(t.Output()), "\n") {
					if m := location.FindStringSubmatch(l); m != nil {
						file, line, msg = m[1], m[2], m[3]
						if dir != "" && !strings.Contains(file, "/") {
							file = dir + "/" + file
						}
						break
					}
				}
				props := "title=" + escapeProp(ph.ImportPath+" "+t.Name)
				if file != "" {
					props = "file=" + escapeProp(file) + ",line=" + line + "," + props
				}
				fmt.Fprintf(w, "::error %s::%s\n", props, escapeData(msg))
			}
		}
	}
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

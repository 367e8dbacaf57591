package htmlreport

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/gorerun/gorerun/grouping"
	"github.com/gorerun/gorerun/internal/file/atomicfile"
	"github.com/gorerun/gorerun/internal/output"
)

//go:embed report.html.tmpl
var pageTemplate string

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"mod": func(a, b int) int { return a % b },
	"cls": func(status string) string { return strings.ReplaceAll(status, " ", "") },
	"pre": preText,
}).Parse(pageTemplate))

// Write writes the report of r as one HTML page.
func Write(w io.Writer, r *grouping.Report, meta Meta) error {
	return tmpl.Execute(w, buildView(r, meta))
}

// Output is the --html output: the page is written, atomically, when the
// run is finished.
type Output struct {
	output.Hooks
	f    *atomicfile.File
	meta Meta
}

// NewOutput starts the page at path, so that an unwritable path is refused
// before anything runs.
func NewOutput(path string, meta Meta) (*Output, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--html: %w", err)
	}
	return &Output{f: f, meta: meta}, nil
}

// Finish writes and commits the page.
func (o *Output) Finish(r output.Result) error {
	meta := o.meta
	if meta.Wall == 0 {
		meta.Wall = r.Elapsed
	}
	if err := Write(o.f, r.Report, meta); err != nil {
		o.f.Abort()
		return fmt.Errorf("--html: %w", err)
	}
	if err := o.f.Commit(); err != nil {
		return fmt.Errorf("--html: %w", err)
	}
	return nil
}

// Abort leaves the file at the path as it was.
func (o *Output) Abort() { o.f.Abort() }

// preText escapes text for the content of a <pre> element: &, < and >
// are all that can end text there. Quotes are left alone, so that output
// full of them does not grow fivefold as html/template's &#34; would make
// it (the XSS tests hold this to test names and output that attack).
func preText(s string) template.HTML {
	return template.HTML(strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s))
}

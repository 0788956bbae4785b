package checks

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// TemplateRender reports templates that fail to render with sample data.
var TemplateRender = register(&lint.Check{
	ID:       "template/render",
	Severity: lint.Error,
	Doc: `A label or annotation template parses but fails when Prometheus renders it
with sample data: every label the expression can carry set to "1", $value
0.5, and queries made with the query function returning no series (a query
that does not parse fails). Typical causes are calling a function with the
wrong type (humanizeDuration on a label that is not a number, a field of a
string), a regular expression that does not compile, and "query ... |
first" on a query that returns nothing. Prometheus then sends the alert with
"<error expanding template: ...>" in place of the text. Guard query results
with "with" or "range", and give functions the types they take.`,
	Example: `- alert: SlowTarget
  expr: up == 0
  annotations:
    description: '{{ query "scrape_duration_seconds" | first | value | humanizeDuration }}'`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			if r.Expr.AST == nil {
				return
			}
			ls := p.Project.Labels(r.Expr.AST)
			lbls := map[string]string{}
			for n := range ls.Names {
				lbls[n] = "1"
			}
			data := template.AlertTemplateData(lbls, map[string]string{}, "http://prometheus.example", promql.Sample{F: 0.5})
			queryFunc := func(_ context.Context, q string, _ time.Time) (promql.Vector, error) {
				if _, err := p.Project.Parser.ParseExpr(q); err != nil {
					return nil, err
				}
				return promql.Vector{}, nil
			}
			u, _ := url.Parse("http://prometheus.example")
			for _, group := range [][]*lint.Template{r.Labels, r.Annotations} {
				for _, t := range group {
					if inspectTemplate(t.Text.Value) == nil {
						continue // syntax/template reports it
					}
					exp := template.NewTemplateExpander(context.Background(), templateDefs+t.Text.Value, "__alert_"+r.Name, data, model.Time(0), queryFunc, u, nil)
					_, err := exp.Expand()
					if err == nil {
						continue
					}
					off, msg := renderError(t.Text.Value, err.Error())
					p.Reportf(t.Text.Pos(off), "%s fails to render with sample data: %s", t.Key, msg)
				}
			}
		})
	},
})

var tmplErrPosRE = regexp.MustCompile(`template: [^:]*:(\d+):(\d+): (?:executing "[^"]*" )?`)

// renderError finds the position an execution error names and shortens
// its message.
func renderError(text, msg string) (int, string) {
	m := tmplErrPosRE.FindStringSubmatchIndex(msg)
	if m == nil {
		return 0, msg
	}
	line, _ := strconv.Atoi(msg[m[2]:m[3]])
	col, _ := strconv.Atoi(msg[m[4]:m[5]])
	full := templateDefs + text
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(full[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	off += col - len(templateDefs)
	return max(0, min(off, len(text))), msg[m[1]:]
}

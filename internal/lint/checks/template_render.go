package checks

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"text/template/parse"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/tmplref"
	"github.com/codevaldcortex/rulecheck/internal/tmplbound"
)

// TemplateRender reports templates that fail to render with sample data.
var TemplateRender = register(&lint.Check{
	ID:       "template/render",
	Severity: lint.Error,
	Doc: `A label or annotation template parses but fails when Prometheus renders it
with sample data: every label the expression can carry set to "1", $value
0.5. Without data the linter cannot know what a query returns, so the
template is rendered twice, with every query returning no series and with
every query returning one, and is reported only when both fail: what is
wrong whatever the query returns (a query that does not parse fails
always). Typical causes are calling a function with the wrong type
(humanizeDuration on a label that is not a number, a field of a string), a
function called without its argument, and a regular expression that does
not compile. Prometheus then sends the alert with "<error expanding
template: ...>" in place of the text. Give functions the types they take.
A template that would expand to more than 16 MiB with the sample data (a
range over a large count, nested escaping, printf with a huge width) is
reported too, before any rendering: Prometheus builds it in memory for
every alert at every evaluation.`,
	Example: `- alert: SlowTarget
  expr: up == 0
  annotations:
    description: '{{ $labels.instance.host }} is slow'`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			if r.Expr.AST == nil {
				return
			}
			rd := newRenderer(p, r)
			for _, group := range [][]*lint.Template{r.Labels, r.Annotations} {
				for _, t := range group {
					if inspected.Get(p.Project, t.Text.Value) == nil {
						continue // syntax/template reports it
					}
					if err := rd.bounded(t.Text.Value); err != nil {
						p.Reportf(t.Text.Pos(0), "%s %s with sample data (each range iteration counts %d bytes): Prometheus would build it in memory for every alert at every evaluation", t.Key, err, tmplbound.IterationCost)
						continue
					}
					err := rd.failsAlways(t.Text.Value)
					if err == nil {
						continue
					}
					p.Reportf(t.Text.Pos(rd.failingAction(t.Text.Value)), "%s fails to render with sample data: %s", t.Key, rd.message(err))
				}
			}
		})
	},
})

// renderer renders one alert's templates as Prometheus would, with sample
// data.
type renderer struct {
	p    *lint.Pass
	name string
	data any
	url  *url.URL
	// one is the series every query returns in the second rendering.
	one promql.Sample
}

func newRenderer(p *lint.Pass, r *lint.Rule) *renderer {
	lbls := map[string]string{}
	for n := range p.Project.Labels(r.Expr.AST).Names {
		lbls[n] = "1"
	}
	u, _ := url.Parse("http://prometheus.example")
	return &renderer{
		p: p, name: "__alert_" + r.Name, url: u,
		data: template.AlertTemplateData(lbls, map[string]string{}, u.String(), promql.Sample{F: 0.5}),
		one:  promql.Sample{Metric: labels.FromMap(lbls), F: 1},
	}
}

// render expands a template, every query returning no series or one.
func (rd *renderer) render(text string, oneSeries bool) error {
	exp := template.NewTemplateExpander(context.Background(), tmplref.Defs+text, rd.name, rd.data, model.Time(0), rd.queryFunc(oneSeries), rd.url, nil)
	_, err := exp.Expand()
	return err
}

// bounded checks, before any rendering, that a template stays within
// tmplbound's default budget with the sample data, whatever the queries
// return.
func (rd *renderer) bounded(text string) error {
	t := tmplbound.Prepare(tmplref.Defs + text)
	for _, oneSeries := range []bool{false, true} {
		if err := t.Check(context.Background(), rd.name, rd.data, 0, rd.queryFunc(oneSeries), rd.url, tmplbound.NewBudget(0)); err != nil {
			return err
		}
	}
	return nil
}

// failsAlways renders a template with both query results and returns the
// error of the second when both fail. A template without actions renders
// to its text, so it is not rendered (TestPlainTextRenders shows that
// rendering it never fails).
func (rd *renderer) failsAlways(text string) error {
	if tmplref.IsPlainText(text) || rd.render(text, false) == nil {
		return nil
	}
	return rd.render(text, true)
}

// queryFunc answers every query with no series or one.
func (rd *renderer) queryFunc(oneSeries bool) template.QueryFunc {
	return func(_ context.Context, q string, _ time.Time) (promql.Vector, error) {
		if _, err := rd.p.Project.Parser.ParseExpr(q); err != nil {
			return nil, err
		}
		if oneSeries {
			return promql.Vector{rd.one}, nil
		}
		return promql.Vector{}, nil
	}
}

// failingAction finds the byte offset of the first top-level action of a
// failing template whose rendering fails: the template is rendered up to
// each action in turn.
func (rd *renderer) failingAction(text string) int {
	full := tmplref.Defs + text
	tr := parse.New("t")
	tr.Mode = parse.SkipFuncCheck
	if _, err := tr.Parse(full, "{{", "}}", map[string]*parse.Tree{}); err != nil || tr.Root == nil {
		return 0
	}
	var nodes []parse.Node
	for _, n := range tr.Root.Nodes {
		if int(n.Position()) >= len(tmplref.Defs) {
			nodes = append(nodes, n)
		}
	}
	for k, n := range nodes {
		end := len(full)
		if k+1 < len(nodes) {
			end = nodeStart(full, nodes[k+1])
		}
		if rd.failsAlways(full[len(tmplref.Defs):max(end, len(tmplref.Defs))]) != nil {
			return int(n.Position()) - len(tmplref.Defs)
		}
	}
	return 0
}

// nodeStart is where a top-level node's text starts: an action's "{{".
func nodeStart(text string, n parse.Node) int {
	pos := int(n.Position())
	if _, ok := n.(*parse.TextNode); ok {
		return pos
	}
	if i := strings.LastIndex(text[:pos], "{{"); i >= 0 {
		return i
	}
	return pos
}

// message is an execution error without the template's name and position
// in front (the finding has the position).
func (rd *renderer) message(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, fmt.Sprintf("executing %q ", rd.name)); ok {
		return rest
	}
	return msg
}

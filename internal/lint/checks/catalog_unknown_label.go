package checks

import (
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/exprpos"
	"github.com/codevaldcortex/rulecheck/internal/selector"
)

// CatalogUnknownLabel reports matchers and groupings on labels the series
// do not have.
var CatalogUnknownLabel = register(&lint.Check{
	ID:           "catalog/unknown-label",
	Severity:     lint.Error,
	NeedsCatalog: true,
	Doc: `A label matcher, a by (...) grouping, or an on (...) or group_left/right
(...) label names a label that the series there cannot carry: the metric
does not have it in the catalog (its labels, job, instance and its jobs'
target labels), or an aggregation or function before it dropped it. A
matcher that requires the label (status="500") then selects nothing; a
grouping by it puts every series in one group with the label empty; an
on (...) on it matches nothing or everything. The check is silent where
the labels are unknown (a metric the catalog does not know). Use the
label's real name, or keep it in the inner aggregation.`,
	Example: `- alert: ServerErrors
  expr: sum by (status) (rate(http_requests_total{status=~"5.."}[5m])) > 1`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, _ []parser.Node) {
				switch n := n.(type) {
				case *parser.VectorSelector:
					ls := p.Project.Labels(n)
					name := selector.MetricName(n)
					for _, m := range n.LabelMatchers {
						if m.Name == labels.MetricName || !ls.Lacks(m.Name) || m.Matches("") {
							continue
						}
						p.Reportf(e.Pos(exprpos.MatcherOffset(e, n, m)), "%s has no label %s (it carries %s): the matcher %s selects nothing", name, m.Name, ls, m)
					}
				case *parser.AggregateExpr:
					if n.Without {
						return
					}
					ls := p.Project.Labels(n.Expr)
					for _, l := range n.Grouping {
						if ls.Lacks(l) {
							p.Reportf(e.Pos(exprpos.GroupingOffset(e, n, l)), "%s by (%s): the aggregated series have no label %s (they carry %s), so it is empty in every result", n.Op, l, l, ls)
						}
					}
				case *parser.BinaryExpr:
					vm := n.VectorMatching
					if vm == nil || p.Project.TypeOf(n.LHS) != parser.ValueTypeVector || p.Project.TypeOf(n.RHS) != parser.ValueTypeVector {
						return
					}
					left, right := p.Project.Labels(n.LHS), p.Project.Labels(n.RHS)
					if vm.On {
						for _, l := range vm.MatchingLabels {
							for _, side := range []struct {
								name string
								ls   lint.LabelSet
							}{{"left", left}, {"right", right}} {
								if side.ls.Lacks(l) {
									p.Reportf(e.Pos(exprpos.GroupingOffset(e, n, l)), "on (%s): the %s-hand side has no label %s (it carries %s)", l, side.name, l, side.ls)
								}
							}
						}
					}
					one := right
					if vm.Card == parser.CardOneToMany {
						one = left
					}
					for _, l := range vm.Include {
						if one.Lacks(l) {
							p.Reportf(e.Pos(exprpos.GroupingOffset(e, n, l)), "%s (%s): the \"one\" side has no label %s to copy (it carries %s)", cardName(vm.Card), l, l, one)
						}
					}
				}
			})
		})
	},
})

func cardName(c parser.VectorMatchCardinality) string {
	if c == parser.CardOneToMany {
		return "group_right"
	}
	return "group_left"
}

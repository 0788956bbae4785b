package checks

import (
	"fmt"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/selector"
)

// SelfRatio reports ratios whose matching pairs each series with itself.
var SelfRatio = register(&lint.Check{
	ID:       "promql/self-ratio",
	Severity: lint.Error,
	Doc: `A binary operation divides (or otherwise combines) a metric by the same
metric, the left side narrowed by a label matcher (status=~"5..") that the
right side lacks, while both sides keep that label. One-to-one matching
pairs series with identical labels, so every left-hand series is matched
with itself on the right: an error ratio computed this way is 1 (100%) for
every series that has errors, and absent otherwise. Aggregate the label
away on both sides first: sum without (status) (rate(x{status=~"5.."}[5m]))
/ sum without (status) (rate(x[5m])), or match with ignoring (status)
group_left.`,
	Example: `- alert: HighErrorRatio
  expr: rate(http_requests_total{code=~"5.."}[5m]) / rate(http_requests_total[5m]) > 0.05`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, _ []parser.Node) {
				b, ok := n.(*parser.BinaryExpr)
				if !ok || b.Op.IsComparisonOperator() || b.Op.IsSetOperator() || b.VectorMatching == nil || b.VectorMatching.Card != parser.CardOneToOne {
					return
				}
				if p.Project.TypeOf(b.LHS) != parser.ValueTypeVector || p.Project.TypeOf(b.RHS) != parser.ValueTypeVector {
					return
				}
				l, r := baseSelector(p.Project, b.LHS), baseSelector(p.Project, b.RHS)
				if l == nil || r == nil || selector.MetricName(l) == "" || selector.MetricName(l) != selector.MetricName(r) {
					return
				}
				vm := b.VectorMatching
				for _, side := range []struct{ narrow, wide *parser.VectorSelector }{{l, r}, {r, l}} {
					for _, m := range side.narrow.LabelMatchers {
						if m.Name == labels.MetricName || hasMatcher(side.wide, m) {
							continue
						}
						if vm.On && !contains(vm.MatchingLabels, m.Name) || !vm.On && contains(vm.MatchingLabels, m.Name) {
							continue // the label is not matched on
						}
						if p.Project.Labels(b.LHS).Lacks(m.Name) || p.Project.Labels(b.RHS).Lacks(m.Name) {
							continue // aggregated away
						}
						what := fmt.Sprintf("combining %s with %s (%s)", side.narrow, side.wide, b.Op)
						if b.Op == parser.DIV {
							what = fmt.Sprintf("dividing %s by %s", l, r)
						}
						p.Reportf(e.Pos(opOffset(e, b)), "%s matches every series with itself: both sides keep label %s, so one-to-one matching pairs each series selected by %s with the same series on the other side, and the result is the same for every series (1 for a ratio); aggregate %s away on both sides first, e.g. sum without (%s) (...) %s sum without (%s) (...)", what, m.Name, m, m.Name, m.Name, b.Op, m.Name)
						return
					}
				}
			})
		})
	},
})

// baseSelector follows an expression down through functions, parentheses
// and aggregations to the single selector it is computed from, if any.
func baseSelector(pr *lint.Project, e parser.Expr) *parser.VectorSelector {
	for {
		switch n := e.(type) {
		case *parser.VectorSelector:
			return n
		case *parser.MatrixSelector:
			e = n.VectorSelector
		case *parser.ParenExpr:
			e = n.Expr
		case *parser.StepInvariantExpr:
			e = n.Expr
		case *parser.AggregateExpr:
			e = n.Expr
		case *parser.Call:
			var next parser.Expr
			for _, a := range n.Args {
				if isVector(pr, a) {
					if next != nil {
						return nil
					}
					next = a
				}
			}
			if next == nil {
				return nil
			}
			e = next
		default:
			return nil
		}
	}
}

func hasMatcher(vs *parser.VectorSelector, m *labels.Matcher) bool {
	for _, o := range vs.LabelMatchers {
		if o.Name == m.Name && o.Type == m.Type && o.Value == m.Value {
			return true
		}
	}
	return false
}

// opOffset is the offset of a binary expression's operator.
func opOffset(e *lint.Expr, b *parser.BinaryExpr) int {
	from, to := int(b.LHS.PositionRange().End), int(b.RHS.PositionRange().Start)
	if from <= to && to <= len(e.Query) {
		if i := strings.Index(e.Query[from:to], b.Op.String()); i >= 0 {
			return from + i
		}
	}
	return int(b.PositionRange().Start)
}

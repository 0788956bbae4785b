package checks

import (
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// AlertNoCondition reports alerts whose expression always returns series.
var AlertNoCondition = register(&lint.Check{
	ID:       "alert/no-condition",
	Severity: lint.Warning,
	Doc: `An alerting rule's expression has no condition: no comparison that filters
(> 0.9, == 0; a comparison with bool returns 0 or 1 and filters nothing),
no and/unless, no absent(). An alert fires for every series its expression
returns, so such an alert fires for as long as its metrics exist. Add the
threshold the alert is about. An expression that selects no series at
all (vector(1), the dead man's switch that is meant to always fire) is
constant by construction and not reported.`,
	Example: `- alert: HighLatency
  expr: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			if r.Expr.AST == nil || filters(p.Project, r.Expr.AST) || constant(r.Expr.AST) {
				return
			}
			why := "no comparison, and/unless or absent()"
			if hasBoolComparison(r.Expr.AST) {
				why = "its comparison uses bool, which returns 0 or 1 instead of dropping series"
			}
			p.Reportf(r.Expr.At(nil), "alert %s has no condition (%s): it fires for as long as its series exist; compare it with a threshold", r.Name, why)
		})
	},
})

// filters tells whether an expression can return fewer series than its
// selectors select: whether it holds a condition.
func filters(pr *lint.Project, e parser.Expr) bool {
	switch n := lint.Unparen(e).(type) {
	case *parser.BinaryExpr:
		switch {
		case n.Op.IsComparisonOperator():
			if !n.ReturnBool {
				return true
			}
			return filters(pr, n.LHS) || filters(pr, n.RHS)
		case n.Op == parser.LAND, n.Op == parser.LUNLESS:
			return true
		case n.Op == parser.LOR:
			return filters(pr, n.LHS) && filters(pr, n.RHS)
		}
		return filters(pr, n.LHS) || filters(pr, n.RHS)
	case *parser.Call:
		switch n.Func.Name {
		case "absent", "absent_over_time":
			return true
		}
		for _, a := range n.Args {
			if isVector(pr, a) && filters(pr, a) {
				return true
			}
		}
		return false
	case *parser.AggregateExpr:
		return filters(pr, n.Expr)
	case *parser.SubqueryExpr:
		return filters(pr, n.Expr)
	case *parser.MatrixSelector:
		return false
	case *parser.UnaryExpr:
		return filters(pr, n.Expr)
	}
	return false
}

func hasBoolComparison(e parser.Expr) bool {
	found := false
	lint.Inspect(e, func(n parser.Node, _ []parser.Node) {
		if b, ok := n.(*parser.BinaryExpr); ok && b.ReturnBool {
			found = true
		}
	})
	return found
}

// constant tells whether an expression selects no series: its result is
// the same on every evaluation, as a dead man's switch's vector(1) is.
func constant(e parser.Expr) bool {
	selects := false
	lint.Inspect(e, func(n parser.Node, _ []parser.Node) {
		if _, ok := n.(*parser.VectorSelector); ok {
			selects = true
		}
	})
	return !selects
}

package checks

import (
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// AlertUnstableSet reports topk and its kin in alert expressions.
var AlertUnstableSet = register(&lint.Check{
	ID:       "alert/unstable-set",
	Severity: lint.Warning,
	Doc: `An alert expression picks series with topk, bottomk, limitk or
limit_ratio. Which series they pick depends on the values (or, for limitk and
limit_ratio, on the engine's order) at each evaluation, so the set changes
between evaluations: an alert whose series drops out of the top resolves and
another one starts pending, alerts flap, and one with for may never fire.
Alert on a condition every series is checked against (x > threshold), and
keep topk for dashboards. topk by (...) (1, ...) and bottomk by (...)
(1, ...), which keep one series of each group (to drop duplicates, or to
copy labels from in a join), keep a stable set and are not reported, nor is
any of them on the "one" side of a group_left or group_right join.`,
	Example: `- alert: BusiestPodSlow
  expr: topk(3, rate(http_request_duration_seconds_sum[5m])) > 1`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			lint.Inspect(r.Expr.AST, func(n parser.Node, path []parser.Node) {
				a, ok := n.(*parser.AggregateExpr)
				if !ok || !picksSeries(a.Op) || dedup(a) || joinSide(a, path) {
					return
				}
				p.Reportf(r.Expr.At(a), "%s picks series by their values at each evaluation, so the set changes between evaluations and alerts flap; alert on a condition every series is checked against", a.Op)
			})
		})
	},
})

func picksSeries(op parser.ItemType) bool {
	switch op {
	case parser.TOPK, parser.BOTTOMK, parser.LIMITK, parser.LIMIT_RATIO:
		return true
	}
	return false
}

// joinSide tells whether n is the "one" side of a group_left or
// group_right join, through parentheses.
func joinSide(n parser.Node, path []parser.Node) bool {
	child := n
	for i := len(path) - 1; i >= 0; i-- {
		switch p := path[i].(type) {
		case *parser.ParenExpr, *parser.StepInvariantExpr:
			child = p
			continue
		case *parser.BinaryExpr:
			vm := p.VectorMatching
			if vm == nil {
				return false
			}
			return (vm.Card == parser.CardManyToOne && p.RHS == child) || (vm.Card == parser.CardOneToMany && p.LHS == child)
		}
		return false
	}
	return false
}

// dedup tells whether an aggregation keeps one series per group:
// topk by (...) (1, ...).
func dedup(a *parser.AggregateExpr) bool {
	n, ok := lint.Unparen(a.Param).(*parser.NumberLiteral)
	return ok && n.Val == 1 && len(a.Grouping) > 0 && !a.Without && (a.Op == parser.TOPK || a.Op == parser.BOTTOMK)
}

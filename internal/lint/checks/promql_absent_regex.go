package checks

import (
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/exprpos"
)

// AbsentRegex reports absent() over regex or negative matchers.
var AbsentRegex = register(&lint.Check{
	ID:       "promql/absent-regex",
	Severity: lint.Warning,
	Doc: `absent() or absent_over_time() is given a selector with a regex or
negative matcher (job=~"api|web", env!="dev"). absent returns a series only
when no series at all matches, so it fires when every matching series is
gone, not when one of them is: absent(up{job=~"api|web"}) stays quiet while
api is down as long as web is up. And its result carries only the labels of
the selector's equality matchers, none from the regex, so the alert cannot
say which one is missing. Write one absent() per value:
absent(up{job="api"}) or absent(up{job="web"}). absent() as a fallback
value (x or 0 * absent(x)), where "none at all" is what is meant, is not
reported.`,
	Example: `- alert: TargetMissing
  expr: absent(up{job=~"api|web"})`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, path []parser.Node) {
				call, ok := n.(*parser.Call)
				if !ok || (call.Func.Name != "absent" && call.Func.Name != "absent_over_time") || len(call.Args) == 0 || fallback(path) {
					return
				}
				vs := baseSelector(p.Project, call.Args[0])
				if vs == nil {
					return
				}
				for _, m := range vs.LabelMatchers {
					if m.Type == labels.MatchEqual {
						continue
					}
					p.Reportf(e.Pos(exprpos.MatcherOffset(e, vs, m)), "%s() over %s fires only when no series matching %s is left, not when one of them is gone, and its result has no %s label to tell which; use one absent() per value", call.Func.Name, vs, m, m.Name)
					return
				}
			})
		})
	},
})

// fallback tells whether a node is used as a value in arithmetic or as the
// right-hand side of or: absent() as "0 when there is none".
func fallback(path []parser.Node) bool {
	for _, n := range path {
		if b, ok := n.(*parser.BinaryExpr); ok && (b.Op == parser.LOR || !b.Op.IsComparisonOperator() && !b.Op.IsSetOperator()) {
			return true
		}
	}
	return false
}

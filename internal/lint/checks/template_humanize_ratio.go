package checks

import (
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/selector"
)

// TemplateHumanizeRatio reports humanize on a value that is a 0-1 ratio.
var TemplateHumanizeRatio = register(&lint.Check{
	ID:       "template/humanize-ratio",
	Severity: lint.Info,
	Doc: `A template formats $value with humanize, and the alert's value is a ratio
between 0 and 1: a division compared with a threshold between 0 and 1, or a
metric divided by the same metric. humanize prints 0.05 as "50m" (milli), which
nobody reads as 5%. Use humanizePercentage, which prints "5%".`,
	Example: `- alert: HighErrorRatio
  expr: sum(rate(errors_total[5m])) / sum(rate(requests_total[5m])) > 0.05
  annotations:
    description: "{{ $value | humanize }} of requests fail"`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			if r.Expr.AST == nil || !zeroOneRatio(p.Project, r.Expr.AST) {
				return
			}
			for _, group := range [][]*lint.Template{r.Labels, r.Annotations} {
				for _, t := range group {
					info := inspected.Get(p.Project, t.Text.Value)
					if info == nil {
						continue
					}
					for _, v := range info.Values {
						if v.Format == "humanize" {
							p.Reportf(t.Text.Pos(v.Offset), "%s formats a ratio between 0 and 1 with humanize, which prints 0.05 as 50m; use humanizePercentage", t.Key)
						}
					}
				}
			}
		})
	},
})

// zeroOneRatio tells whether an alert's value is a ratio between 0 and 1.
func zeroOneRatio(pr *lint.Project, e parser.Expr) bool {
	b, ok := lint.Unparen(e).(*parser.BinaryExpr)
	if !ok {
		return false
	}
	if b.Op.IsComparisonOperator() && !b.ReturnBool {
		value, limit := b.LHS, b.RHS
		if !isVector(pr, value) {
			value, limit = limit, value
		}
		num, isNum := lint.Unparen(limit).(*parser.NumberLiteral)
		div, isDiv := lint.Unparen(value).(*parser.BinaryExpr)
		return isNum && isDiv && div.Op == parser.DIV && num.Val > 0 && num.Val <= 1 || isDiv && sameMetricRatio(pr, div)
	}
	return sameMetricRatio(pr, b)
}

// sameMetricRatio tells whether b divides a metric by the same metric.
func sameMetricRatio(pr *lint.Project, b *parser.BinaryExpr) bool {
	if b.Op != parser.DIV {
		return false
	}
	l, r := baseSelector(pr, b.LHS), baseSelector(pr, b.RHS)
	return l != nil && r != nil && selector.MetricName(l) != "" && selector.MetricName(l) == selector.MetricName(r)
}

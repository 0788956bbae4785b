package checks

import (
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// TemplateValueFormat reports $value printed raw where it is fractional.
var TemplateValueFormat = register(&lint.Check{
	ID:       "template/value-format",
	Severity: lint.Info,
	Doc: `An annotation or label prints $value (or .Value) without a formatting
function, and the alert's value is a ratio, a per-second rate, an
extrapolated increase, an average or a quantile estimate: it shows in the
notification as something like 0.30000000000000004 or 2.0032. The value is
what the expression returns, left of its comparison. Format it:
humanizePercentage for a ratio, humanize for a rate, humanizeDuration for a
latency in seconds, printf "%.0f" for a count from increase().`,
	Example: `- alert: ErrorsIncreasing
  expr: increase(errors_total[5m]) > 0
  annotations:
    description: "{{ $value }} errors in the last 5 minutes"`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			if r.Expr.AST == nil {
				return
			}
			kind, fix := valueKind(p.Project, r.Expr.AST)
			if kind == "" {
				return
			}
			for _, group := range [][]*lint.Template{r.Labels, r.Annotations} {
				for _, t := range group {
					info := inspected.Get(p.Project, t.Text.Value)
					if info == nil {
						continue
					}
					for _, v := range info.Values {
						if v.Formatted {
							continue
						}
						p.Reportf(t.Text.Pos(v.Offset), "%s prints $value unformatted, and the value of this alert is %s: format it, e.g. %s", t.Key, kind, fix)
					}
				}
			}
		})
	},
})

// valueKind tells what an expression's value is when it is fractional,
// with the formatting to suggest; "" when it is not.
func valueKind(pr *lint.Project, e parser.Expr) (string, string) {
	switch n := lint.Unparen(e).(type) {
	case *parser.BinaryExpr:
		lv, rv := isVector(pr, n.LHS), isVector(pr, n.RHS)
		switch {
		case n.Op.IsComparisonOperator() && !n.ReturnBool, n.Op == parser.LAND, n.Op == parser.LUNLESS, n.Op == parser.LOR:
			if lv || !rv {
				return valueKind(pr, n.LHS)
			}
			return valueKind(pr, n.RHS)
		case n.Op == parser.DIV && lv && rv:
			return "a ratio", "{{ $value | humanizePercentage }}"
		}
		if k, f := valueKind(pr, n.LHS); k != "" {
			if n.Op == parser.MUL && strings.Contains(f, "Percentage") {
				return "a percentage", `{{ printf "%.1f" $value }}%`
			}
			return k, f
		}
		return valueKind(pr, n.RHS)
	case *parser.Call:
		switch n.Func.Name {
		case "rate", "irate":
			return "a per-second rate", "{{ $value | humanize }}"
		case "increase":
			return "an increase, which rate() extrapolates and so rarely is a whole number", `{{ printf "%.0f" $value }}`
		case "deriv", "delta", "idelta", "predict_linear":
			return "a rate of change", "{{ $value | humanize }}"
		case "histogram_quantile", "quantile_over_time":
			return "a quantile estimate", "{{ $value | humanizeDuration }} for seconds"
		case "avg_over_time", "stddev_over_time", "stdvar_over_time", "histogram_avg":
			return "an average", "{{ $value | humanize }}"
		case "round", "ceil", "floor", "count_over_time", "changes", "resets", "absent", "absent_over_time", "present_over_time", "timestamp", "time", "vector":
			return "", ""
		}
		for _, a := range n.Args {
			if isVector(pr, a) {
				return valueKind(pr, a)
			}
		}
	case *parser.AggregateExpr:
		switch n.Op {
		case parser.AVG, parser.STDDEV, parser.STDVAR, parser.QUANTILE:
			return "an average", "{{ $value | humanize }}"
		case parser.COUNT, parser.COUNT_VALUES, parser.GROUP:
			return "", ""
		}
		return valueKind(pr, n.Expr)
	}
	return "", ""
}

func isVector(pr *lint.Project, e parser.Expr) bool {
	t := pr.TypeOf(e)
	return t == parser.ValueTypeVector || t == parser.ValueTypeMatrix
}

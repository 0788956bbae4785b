package checks

import (
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// HistogramQuantilePerSeries reports quantiles computed per series.
var HistogramQuantilePerSeries = register(&lint.Check{
	ID:       "promql/histogram-quantile-per-series",
	Severity: lint.Info,
	Doc: `histogram_quantile() is applied to buckets that are not aggregated, such as
histogram_quantile(0.95, rate(x_bucket[5m])). That keeps le, so it works,
but it computes one quantile per series: per instance, pod and every other
label the histogram has. An alert then fires (and a panel draws a line) per
series, each on the few requests that one series saw, and there is no
overall latency. Aggregate the buckets to the level you mean first:
histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m]))), or by (le, job),
by (le, endpoint).`,
	Example: `- alert: HighLatency
  expr: histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m])) > 1`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, _ []parser.Node) {
				call, ok := n.(*parser.Call)
				if !ok || call.Func.Name != "histogram_quantile" || len(call.Args) < 2 {
					return
				}
				if !classicBuckets(p, call.Args[1]) || aggregates(call.Args[1]) {
					return
				}
				ls := p.Project.Labels(call.Args[1])
				if ls.Lacks("le") {
					return
				}
				per := strings.Join(ls.SortedWithout("le"), ", ")
				if per == "" || ls.Open {
					per = "every label of the histogram"
				}
				p.Reportf(e.At(call), "histogram_quantile over buckets that are not aggregated computes one quantile per series (per %s); to get one quantile over all of them aggregate first, e.g. histogram_quantile(%s, sum by (le) (...))", per, quantileArg(e, call))
			})
		})
	},
})

// aggregates tells whether an expression aggregates (sum, avg, ...).
func aggregates(e parser.Expr) bool {
	found := false
	lint.Inspect(e, func(n parser.Node, _ []parser.Node) {
		if _, ok := n.(*parser.AggregateExpr); ok {
			found = true
		}
	})
	return found
}

func quantileArg(e *lint.Expr, call *parser.Call) string {
	pr := call.Args[0].PositionRange()
	if int(pr.End) <= len(e.Query) {
		return e.Query[pr.Start:pr.End]
	}
	return "φ"
}

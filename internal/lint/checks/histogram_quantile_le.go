package checks

import (
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// HistogramQuantileLe reports histogram_quantile over buckets without le.
var HistogramQuantileLe = register(&lint.Check{
	ID:       "promql/histogram-quantile-le",
	Severity: lint.Error,
	Doc: `histogram_quantile() is applied to classic histogram buckets whose le label
an aggregation or matching dropped (sum by (job) (...) keeps only job;
sum without (le) or on (...) without le drop it too). histogram_quantile
needs le to know the buckets' upper bounds: without it there is nothing to
compute and the result is empty (Prometheus adds a "bucket label le is
missing" warning that rules never show). Keep le in the grouping:
sum by (le, job) (rate(x_bucket[5m])).`,
	Example: `- alert: SlowRequests
  expr: histogram_quantile(0.95, sum by (job) (rate(http_request_duration_seconds_bucket[5m]))) > 1`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, _ []parser.Node) {
				call, ok := n.(*parser.Call)
				if !ok || call.Func.Name != "histogram_quantile" || len(call.Args) < 2 {
					return
				}
				if !classicBuckets(p, call.Args[1]) {
					return
				}
				ls := p.Project.Labels(call.Args[1])
				if !ls.Lacks("le") {
					return
				}
				p.Reportf(e.At(call), "histogram_quantile over buckets without the le label (the buckets carry %s): without le there are no bucket bounds, so the result is empty; keep le in the aggregation, e.g. sum by (le%s)", ls, byHint(ls))
			})
		})
	},
})

// classicBuckets tells whether an expression's selectors select classic
// histogram buckets: _bucket series of a catalog histogram that is not
// native, or of an unknown metric named *_bucket.
func classicBuckets(p *lint.Pass, e parser.Expr) bool {
	found := false
	for _, sp := range lint.Selectors(e) {
		s := p.Project.Selector(sp.VS)
		switch {
		case s.Known && s.Series.Kind == catalog.KindBucket:
			found = true
		case s.Known && s.Series.Kind == catalog.KindNativeHistogram:
			return false
		case !s.Known && strings.HasSuffix(s.Name, "_bucket"):
			found = true
		}
	}
	return found
}

func byHint(ls lint.LabelSet) string {
	var out string
	for _, l := range ls.Sorted() {
		out += ", " + l
	}
	return out
}

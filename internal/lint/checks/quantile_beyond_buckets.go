package checks

import (
	"slices"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/exprpos"
)

// QuantileBeyondBuckets reports quantile thresholds the buckets cannot
// reach.
var QuantileBeyondBuckets = register(&lint.Check{
	ID:           "promql/quantile-beyond-buckets",
	Severity:     lint.Error,
	NeedsCatalog: true,
	Doc: `histogram_quantile() over a classic histogram is compared with a threshold
at or above the histogram's largest finite bucket (from the catalog's
buckets). When the quantile falls in the +Inf bucket histogram_quantile
returns the largest finite bucket bound, so it can never exceed that bound
and the alert can never fire. Add buckets above the threshold to the
histogram (client_golang's DefBuckets end at 10 seconds), or lower the
threshold.`,
	Example: `# buckets: [0.1, 0.5, 1, 5, 10]
- alert: VerySlowJobs
  expr: histogram_quantile(0.99, sum by (le) (rate(job_duration_seconds_bucket[5m]))) > 60`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, path []parser.Node) {
				call, ok := n.(*parser.Call)
				if !ok || call.Func.Name != "histogram_quantile" || len(call.Args) < 2 {
					return
				}
				v, above, ok := exprpos.Threshold(call, lint.Innermost(path))
				if !ok || !above {
					return
				}
				for _, sp := range lint.Selectors(call.Args[1]) {
					s := p.Project.Selector(sp.VS)
					if !s.Known || s.Series.Kind != catalog.KindBucket || len(s.Series.Metric.Buckets) == 0 {
						continue
					}
					if top := slices.Max(s.Series.Metric.Buckets); v >= top {
						p.Reportf(e.At(call), "histogram_quantile over %s is compared with %g, but its largest finite bucket is %g: histogram_quantile never returns more than that, so the condition never holds; add buckets above %g", s.Name, v, top, v)
						return
					}
				}
			})
		})
	},
})

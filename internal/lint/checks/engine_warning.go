package checks

import (
	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/evaluate"
)

// EngineWarning surfaces the PromQL engine's warning annotations.
var EngineWarning = register(&lint.Check{
	ID:           "engine/warning",
	Severity:     lint.Warning,
	NeedsCatalog: true,
	Doc: `Prometheus's PromQL engine returned a warning annotation when the expression
was evaluated once over synthetic series shaped from the catalog (counters
that increase, gauges that move, histogram buckets with le, label values
that satisfy the matchers). The engine attaches these to query results,
where the web UI shows them; rule evaluation and promtool drop them
silently. Typical warnings: histogram_quantile over buckets without a valid
le label, a quantile or ratio argument out of range, a mix of floats and
native histograms.`,
	Example: `- alert: BadQuantile
  expr: histogram_quantile(95, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			for _, a := range evaluate.Annotations.Get(p.Project, e) {
				if a.Warning {
					reportAnnotation(p, e, a)
				}
			}
		})
	},
})

func reportAnnotation(p *lint.Pass, e *lint.Expr, a evaluate.Annotation) {
	if a.Offset < 0 {
		p.Reportf(e.At(nil), "PromQL engine: %s", a.Msg)
		return
	}
	p.Reportf(e.Pos(a.Offset), "PromQL engine: %s", a.Msg)
}

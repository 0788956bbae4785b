package checks

import (
	"fmt"
	"slices"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/exprpos"
)

// HistogramBareName reports classic histograms selected by their bare name.
var HistogramBareName = register(&lint.Check{
	ID:           "promql/histogram-bare-name",
	Severity:     lint.Error,
	NeedsCatalog: true,
	Doc: `An expression selects a classic histogram by its bare name. A classic
histogram is exported as three series families, name_bucket (with le),
name_sum and name_count; no series has the bare name, so the selector
selects nothing, an alert on it never fires, and a panel stays empty. A
histogram also only records observations that have finished: it cannot tell
how long something still running has taken. Use
histogram_quantile(0.95, sum by (le) (rate(name_bucket[5m]))) for a
quantile, rate(name_sum[5m]) / rate(name_count[5m]) for the average, and a
gauge (for example the start time of what is running) to alert on things
that run too long. Histograms the catalog marks native_histogram: true do
have bare-name series and are not reported.`,
	Example: `- alert: SlowRequests
  expr: http_request_duration_seconds > 1`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			for _, sp := range lint.Selectors(e.AST) {
				s := p.Project.Selector(sp.VS)
				if !s.Known || s.Series.Kind != catalog.KindNone {
					continue
				}
				m := s.Series.Metric.Name
				note := ""
				if bs := s.Series.Metric.Buckets; len(bs) > 0 {
					if v, above, ok := exprpos.Threshold(sp.VS, sp.Ancestors()); ok && above && v >= slices.Max(bs) {
						note = fmt.Sprintf("; its largest bucket is %g, so not even histogram_quantile over its buckets can exceed %g", slices.Max(bs), v)
					}
				}
				p.Reportf(e.At(sp.VS), "%s, a histogram%s, is selected by its bare name: a classic histogram exports only %s_bucket, %s_sum and %s_count, so this selects nothing and never matches; a histogram also records only finished observations, so it cannot tell how long something still running has taken%s", m, describe(s.Series.Metric), m, m, m, note)
			}
		})
	},
})

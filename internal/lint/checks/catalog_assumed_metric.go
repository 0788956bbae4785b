package checks

import (
	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// CatalogAssumedMetric reports metrics the catalog only assumes exist.
var CatalogAssumedMetric = register(&lint.Check{
	ID:           "catalog/assumed-metric",
	Severity:     lint.Info,
	NeedsCatalog: true,
	Doc: `An expression selects a metric that the catalog lists with assumed: true:
no source the catalog was built from defines it, so its type, labels and
even its existence are guesses written down to let the other checks run.
Until the application defines the metric the rule or panel may select
nothing. Define the metric in the application (and rebuild the catalog with
rulecheck catalog), or change the expression to a metric that exists.`,
	Example: `# metrics.yaml: {name: queue_size, type: gauge, assumed: true}
- alert: QueueFull
  expr: queue_size > 100`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			for _, sp := range lint.Selectors(e.AST) {
				s := p.Project.Selector(sp.VS)
				if !s.Known || s.Series.Metric == nil || !s.Series.Metric.Assumed {
					continue
				}
				note := ""
				if s.Series.Metric.Note != "" {
					note = ": " + s.Series.Metric.Note
				}
				p.Reportf(e.At(sp.VS), "%s is in the catalog only as an assumption (assumed: true, no source defines it)%s", s.Name, note)
			}
		})
	},
})

package checks

import (
	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/evaluate"
)

// EngineInfo surfaces the PromQL engine's info annotations.
var EngineInfo = register(&lint.Check{
	ID:           "engine/info",
	Severity:     lint.Info,
	NeedsCatalog: true,
	Doc: `Prometheus's PromQL engine returned an info annotation when the expression
was evaluated once over synthetic series shaped from the catalog (see
engine/warning). Info annotations point at likely mistakes the engine
cannot be sure of, most often "metric might not be a counter, name does not
end in _total/_sum/_count/_bucket" for rate() or increase() over a metric
whose name does not say it is a counter. Rule evaluation and promtool drop
them silently.`,
	Example: `- alert: MemoryGrowing
  expr: rate(process_resident_memory_bytes[10m]) > 1e6`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			for _, a := range evaluate.Annotations.Get(p.Project, e) {
				if !a.Warning {
					reportAnnotation(p, e, a)
				}
			}
		})
	},
})

package checks

import (
	"regexp"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// DashboardLegendLabel reports legends naming labels the query lacks.
var DashboardLegendLabel = register(&lint.Check{
	ID:       "dashboard/legend-label",
	Severity: lint.Warning,
	Doc: `A Grafana panel target's legendFormat uses {{label}} for a label the query's
result cannot carry: an aggregation dropped it, or the metric does not have
it in the catalog. Grafana renders it empty, so every series of the panel
gets the same legend and they cannot be told apart. Keep the label in the
query (by (...)) or change the legend.`,
	Example: `{"expr": "sum(rate(http_requests_total[5m]))", "legendFormat": "{{handler}}"}`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			if e.Legend == nil {
				return
			}
			ls := p.Project.Labels(e.AST)
			for _, m := range legendRE.FindAllStringSubmatchIndex(e.Legend.Value, -1) {
				l := e.Legend.Value[m[2]:m[3]]
				if ls.Lacks(l) {
					p.Reportf(e.Legend.Pos(m[0]), "legendFormat uses {{%s}}, but the query's result has no label %s (it carries %s): the legend is the same for every series", l, l, ls)
				}
			}
		})
	},
})

var legendRE = regexp.MustCompile(`\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)

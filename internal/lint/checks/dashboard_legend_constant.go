package checks

import (
	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// DashboardLegendConstant reports fixed legends on queries that return
// many series.
var DashboardLegendConstant = register(&lint.Check{
	ID:           "dashboard/legend-constant",
	Severity:     lint.Info,
	NeedsCatalog: true,
	Doc: `A Grafana panel target has a legendFormat without any {{label}}, but its
query returns one series per label combination (it is not aggregated down
to a single series): every line of the panel gets the same legend and they
cannot be told apart. Either aggregate the query to what the legend says
(sum(rate(...)) for a total), or put the distinguishing labels in the
legend ({{agent_id}}).`,
	Example: `{"expr": "rate(messages_total[5m])", "legendFormat": "Messages/sec"}`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			if e.Legend == nil || e.Legend.Value == "" || legendRE.MatchString(e.Legend.Value) {
				return
			}
			ls := p.Project.Labels(e.AST)
			if ls.Open || len(ls.Names) == 0 {
				return
			}
			p.Reportf(e.Legend.Pos(0), "legendFormat %q names no label, but the query returns a series per %s: every series gets the same legend; aggregate the query (sum(...)) or add labels to the legend", e.Legend.Value, joinOr(ls.Sorted()))
		})
	},
})

package checks

import (
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/exprpos"
)

// CatalogUnknownJob reports job matchers naming no job of the catalog.
var CatalogUnknownJob = register(&lint.Check{
	ID:           "catalog/unknown-job",
	Severity:     lint.Warning,
	NeedsCatalog: true,
	Doc: `A job="..." matcher names a job the catalog's jobs list does not have, or
a job that does not export the selected metric. The job label is set by
the scrape configuration (for a ServiceMonitor, the operator uses the
Service's name unless jobLabel says otherwise), so a name that is only
almost right selects nothing and the rule stays silent. The check only
runs when the catalog lists jobs.`,
	Example: `- alert: ApiDown
  expr: up{job="api-server"} == 0`,
	Run: func(p *lint.Pass) {
		cat := p.Catalog()
		if len(cat.Jobs) == 0 {
			return
		}
		names := make([]string, len(cat.Jobs))
		for i, j := range cat.Jobs {
			names[i] = j.Name
		}
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, _ []parser.Node) {
				vs, ok := n.(*parser.VectorSelector)
				if !ok {
					return
				}
				s := p.Project.Selector(vs)
				for _, m := range vs.LabelMatchers {
					if m.Name != "job" || m.Type != labels.MatchEqual {
						continue
					}
					if cat.Job(m.Value) == nil {
						p.Reportf(e.Pos(exprpos.MatcherOffset(e, vs, m)), "job %q is not a job of the catalog (%s): the selector selects nothing", m.Value, strings.Join(names, ", "))
						continue
					}
					if s.Known && !s.Series.Builtin && len(s.Series.Metric.Jobs) > 0 && !contains(s.Series.Metric.Jobs, m.Value) {
						p.Reportf(e.Pos(exprpos.MatcherOffset(e, vs, m)), "job %q does not export %s (the catalog says %s does): the selector selects nothing", m.Value, s.Name, strings.Join(s.Series.Metric.Jobs, ", "))
					}
				}
			})
		})
	},
})

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

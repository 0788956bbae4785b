package checks

import (
	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// TemplateMissingLabel reports $labels references the alert cannot carry.
var TemplateMissingLabel = register(&lint.Check{
	ID:       "template/missing-label",
	Severity: lint.Error,
	Doc: `A label or annotation template of an alert uses $labels.x (or .Labels.x, or
index $labels "x") where the alert expression's result cannot carry label x.
$labels holds the labels of the series the expression returns, not the
rule's own labels, and aggregations (sum, avg by (...), without (...)),
one-to-one matching with on (...) or ignoring (...), histogram_quantile
(which drops le), absent (which keeps only its selector's equality
matchers), vector() and scalar() all drop labels. The template then renders
"<no value>" in every notification. The labels a metric carries come from
the catalog (its labels plus job, instance and its jobs' target labels), so
the check is silent for metrics the catalog does not know. Keep the label
in the expression (add it to by (...)), or stop using it.`,
	Example: `- alert: HighErrorRate
  expr: sum(rate(http_requests_total{code=~"5.."}[5m])) > 1
  annotations:
    summary: "Errors on {{ $labels.instance }}"`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			if r.Expr.AST == nil {
				return
			}
			ls := p.Project.Labels(r.Expr.AST)
			for _, group := range [][]*lint.Template{r.Labels, r.Annotations} {
				for _, t := range group {
					info := inspected.Get(p.Project, t.Text.Value)
					if info == nil {
						continue
					}
					for _, ref := range info.Labels {
						if !ls.Lacks(ref.Label) {
							continue
						}
						p.Reportf(t.Text.Pos(ref.Offset), "%s uses $labels.%s, but the result of the alert expression has no label %s (it carries %s): it renders \"<no value>\"", t.Key, ref.Label, ref.Label, ls)
					}
				}
			}
		})
	},
})

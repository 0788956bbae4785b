package checks

import (
	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/tmplref"
)

// AlertValueInLabels reports $value printed into an alert's labels.
var AlertValueInLabels = register(&lint.Check{
	ID:       "alert/value-in-labels",
	Severity: lint.Warning,
	Doc: `An alert's label prints $value (or .Value). Labels are the alert's
identity: Prometheus tells one alert from another, and Alertmanager groups,
inhibits and silences, by the label set. When a label holds the value, every
evaluation whose value differs makes a new alert: the old one resolves, the
new one starts pending again, so an alert with for never fires and one
without it floods Alertmanager with alerts that resolve at once. Put the
value in an annotation, which may change freely.`,
	Example: `- alert: DiskFull
  expr: disk_used_ratio > 0.9
  labels:
    usage: "{{ $value | humanizePercentage }}"`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			for _, t := range r.Labels {
				info := tmplref.Inspect(t.Text.Value)
				if info == nil || len(info.Values) == 0 {
					continue
				}
				p.Reportf(t.Text.Pos(info.Values[0].Offset), "label %s holds the alert's value: every evaluation with a different value makes a new alert (the old one resolves, the new one starts over), so it never stays firing; put the value in an annotation", t.Key)
			}
		})
	},
})

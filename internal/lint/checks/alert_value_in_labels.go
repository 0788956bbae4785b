package checks

import (
	"fmt"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// AlertValueInLabels reports $value, or a label whose value is a sample
// value, printed into an alert's labels.
var AlertValueInLabels = register(&lint.Check{
	ID:       "alert/value-in-labels",
	Severity: lint.Warning,
	Doc: `An alert's label prints $value (or .Value), or a label of the result whose
value is a sample value. Labels are the alert's identity: Prometheus tells
one alert from another, and Alertmanager groups, inhibits and silences, by
the label set. When a label holds the value, every evaluation whose value
differs makes a new alert: the old one resolves, the new one starts
pending again, so an alert with for never fires and one without it floods
Alertmanager with alerts that resolve at once. Put the value in an
annotation, which may change freely.

A result label holds a sample value when count_values made it (its label
is the counted value), when label_replace or label_join copied such a label
into another, and in a metric a recording rule wrote from such an
expression; the label is followed through the aggregations, functions and
binary operations that keep it. Other labels are taken to be stable.`,
	Example: `- alert: DiskFull
  expr: disk_used_ratio > 0.9
  labels:
    usage: "{{ $value | humanizePercentage }}"
- alert: ConfigReloaded
  expr: count_values by (job) ("config_hash", config_hash) > 0
  labels:
    hash: "{{ $labels.config_hash }}"`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			var valueLabels map[string]lint.ValueLabel
			if r.Expr != nil && r.Expr.AST != nil {
				valueLabels = p.Project.ValueLabels(r.Expr.AST)
			}
			for _, t := range r.Labels {
				info := inspected.Get(p.Project, t.Text.Value)
				if info == nil {
					continue
				}
				if len(info.Values) > 0 {
					p.Reportf(t.Text.Pos(info.Values[0].Offset), "label %s holds the alert's value: every evaluation with a different value makes a new alert (the old one resolves, the new one starts over), so it never stays firing; put the value in an annotation", t.Key)
					continue
				}
				for _, ref := range info.Labels {
					v, ok := valueLabels[ref.Label]
					if !ok {
						continue
					}
					p.Reportf(t.Text.Pos(ref.Offset), "label %s copies $labels.%s, whose value is a sample value (%s): every evaluation with a different value makes a new alert (the old one resolves, the new one starts over); put it in an annotation", t.Key, ref.Label, valueLabelOrigin(r.Expr, v))
					break
				}
			}
		})
	},
})

// valueLabelOrigin says where a value label's value comes from.
func valueLabelOrigin(e *lint.Expr, v lint.ValueLabel) string {
	if v.Recorded != nil {
		return fmt.Sprintf("set by count_values in recording rule %s at %s:%d", v.Recorded.Name, v.Recorded.Group.File.Path, v.Recorded.Pos.Line)
	}
	return fmt.Sprintf("set by count_values at line %d", e.NodePos(v.CountValues).Line)
}

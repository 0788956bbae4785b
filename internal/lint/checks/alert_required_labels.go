package checks

import (
	"slices"
	"strings"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// AlertRequiredLabels reports alerts without the labels routing needs.
var AlertRequiredLabels = register(&lint.Check{
	ID:       "alert/required-labels",
	Severity: lint.Error,
	Doc: `An alerting rule lacks a label the configuration requires (none by
default; severity and team, say), or its severity is not one of the allowed
values (any by default; critical, warning and info, say). Alertmanager routes, groups and
inhibits by these labels: an alert without them goes to the default
receiver, or nowhere. Group-level labels count. Configure the lists under
alerts: in .rulecheck.yaml (required_labels, severity_label, severities).`,
	Example: `- alert: DiskFull
  expr: node_filesystem_avail_bytes == 0
  labels:
    severity: page`,
	Run: func(p *lint.Pass) {
		cfg := p.Config().Alerts
		alerts(p, func(r *lint.Rule) {
			var missing []string
			for _, l := range cfg.RequiredLabels {
				if _, ok := r.Raw.Labels[l]; ok {
					continue
				}
				if _, ok := r.Group.Raw.Labels[l]; ok {
					continue
				}
				missing = append(missing, l)
			}
			if len(missing) > 0 {
				p.Reportf(r.NamePos, "alert %s has no %s %s (required: %s)", r.Name, lint.Plural(len(missing), "label"), quoteList(missing), strings.Join(cfg.RequiredLabels, ", "))
			}
			if cfg.SeverityLabel == "" || len(cfg.Severities) == 0 {
				return
			}
			t := r.Label(cfg.SeverityLabel)
			if t == nil || strings.Contains(t.Text.Value, "{{") {
				return
			}
			if !slices.Contains(cfg.Severities, t.Text.Value) {
				p.Reportf(t.Text.Pos(0), "%s %q is not one of %s", cfg.SeverityLabel, t.Text.Value, strings.Join(cfg.Severities, ", "))
			}
		})
	},
})

package backtest

import "time"

// AlertRule is what a report about an alert needs to know of its rule:
// its expression and how often its group evaluates it.
type AlertRule struct {
	Name, Expr string
	Interval   time.Duration
}

// AlertRules returns the first alerting rule of each name, in the order of
// Alerts.
func (rs *RuleSet) AlertRules() []AlertRule {
	var out []AlertRule
	seen := map[string]bool{}
	for _, g := range rs.groups {
		for _, r := range g.rules {
			if _, ok := r.alerting(); ok && !seen[r.r.Name()] {
				seen[r.r.Name()] = true
				out = append(out, AlertRule{Name: r.r.Name(), Expr: r.expr, Interval: g.g.Interval()})
			}
		}
	}
	return out
}

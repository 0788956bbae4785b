package harness

import (
	"github.com/prometheus/prometheus/rules"
)

// Annotations rendered only when read. An alerting rule renders every
// annotation of every active alert at every evaluation, through Go's
// template engine; on suites with many active alerts that is a large share
// of the CPU time. Annotations carry no state: each evaluation replaces
// them, and nothing but an alert test reads them in a promtool replay. So
// when the schedule allows shortcuts, an alerting rule is evaluated without
// annotations, except at the evaluations whose alerts a test compares.
//
// Switching swaps rule objects: the group is rebuilt with fresh rules of the
// other form and takes over the alert state with Group.CopyState, as
// Prometheus does when it reloads rules. Everything else (expression,
// for, keep_firing_for, labels, external labels and URL) is the same.

// origin returns the rule a variant was made from (or the rule itself), so
// that per-rule bookkeeping survives swaps.
func (rp *replay) origin(r rules.Rule) rules.Rule {
	if o, ok := rp.origins[r]; ok {
		return o
	}
	return r
}

// setFullAnnotations puts every group in the form that renders annotations
// for the alerts named in full, and the form without annotations for all
// other alerts.
//
// An alert held by keep_firing_for keeps the annotations of the last
// evaluation that returned it, which may be long before a test reads them:
// a rule with keep_firing_for always renders them, so the shortcut stays
// invisible.
func (rp *replay) setFullAnnotations(checked map[string]bool) {
	full := func(ar *rules.AlertingRule) bool { return checked[ar.Name()] || ar.KeepFiringFor() > 0 }
	for i, g := range rp.groups {
		needSwap := false
		for _, r := range g.Rules() {
			ar, ok := r.(*rules.AlertingRule)
			if !ok {
				continue
			}
			orig := rp.origin(ar).(*rules.AlertingRule)
			isFull := ar.Annotations().Len() == orig.Annotations().Len()
			if orig.Annotations().Len() > 0 && isFull != full(ar) {
				needSwap = true
				break
			}
		}
		if !needSwap {
			continue
		}
		rs := make([]rules.Rule, 0, len(g.Rules()))
		for _, r := range g.Rules() {
			ar, ok := r.(*rules.AlertingRule)
			if !ok {
				rs = append(rs, r)
				continue
			}
			orig := rp.origin(ar)
			v := rp.newRule(orig, full(ar))
			rp.origins[v] = orig
			rs = append(rs, v)
		}
		rp.groups[i] = rp.rebuild(g, rs, true)
	}
}

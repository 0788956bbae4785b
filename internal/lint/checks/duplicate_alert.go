package checks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// DuplicateAlert reports alerts defined twice with the same labels.
var DuplicateAlert = register(&lint.Check{
	ID:       "syntax/duplicate-alert",
	Severity: lint.Error,
	Doc: `Two alerting rules, in any of the linted files, have the same alert name and
the same labels. Both produce alerts with identical label sets, so
Alertmanager cannot tell them apart: one silently replaces the other in
notifications, inhibitions and silences, and the ALERTS series of the two
collide. Give them different names, or different labels (a severity tier
is the usual reason to have two rules with one name). Two rules whose
expressions select series that differ in a label both results keep
(handler="/a" and handler!="/a") make different alerts and are not
reported.`,
	Example: `groups:
- name: example
  rules:
  - alert: InstanceDown
    expr: up == 0
    labels: {severity: critical}
  - alert: InstanceDown
    expr: up{job="node"} == 0
    labels: {severity: critical}`,
	Run: func(p *lint.Pass) {
		earlier := firstDefinitions.Get(p.Project, struct{}{})
		for _, g := range p.File.Groups {
			for _, r := range g.Rules {
				prev := earlier[r]
				if prev == nil || disjointResults(p.Project, prev, r) {
					continue
				}
				where := fmt.Sprintf("line %d", prev.Pos.Line)
				if prev.Group.File != p.File {
					where = fmt.Sprintf("%s:%d", prev.Group.File.Path, prev.Pos.Line)
				}
				p.Reportf(r.NamePos, "alert %s with labels {%s} is already defined at %s: Alertmanager cannot tell their alerts apart", r.Name, labelKey(r.Raw.Labels), where)
			}
		}
	},
})

// firstDefinitions maps each alerting rule that repeats an earlier one's
// name and labels to that earlier rule, computed once for the project.
var firstDefinitions = &lint.Shared[struct{}, map[*lint.Rule]*lint.Rule]{Name: "first definition of each alert", Compute: func(proj *lint.Project, _ struct{}) map[*lint.Rule]*lint.Rule {
	first := map[string]*lint.Rule{}
	out := map[*lint.Rule]*lint.Rule{}
	for _, r := range proj.Rules() {
		if !r.IsAlert {
			continue
		}
		key := r.Name + "\x00" + labelKey(r.Raw.Labels)
		if prev, dup := first[key]; dup {
			out[r] = prev
			continue
		}
		first[key] = r
	}
	return out
}}

func labelKey(ls map[string]string) string {
	keys := slices.Sorted(maps.Keys(ls))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, ls[k])
	}
	return strings.Join(parts, ", ")
}

// disjointResults tells whether two alerts' expressions select series that
// differ in the value of a label both results keep, so that their alerts
// never share a label set.
func disjointResults(proj *lint.Project, a, b *lint.Rule) bool {
	if a.Expr == nil || b.Expr == nil || a.Expr.AST == nil || b.Expr.AST == nil {
		return false
	}
	sa, sb := lint.Selectors(a.Expr.AST), lint.Selectors(b.Expr.AST)
	if len(sa) == 0 || len(sb) == 0 {
		return false
	}
	// The first selector of each: where the results' series come from.
	va, vb := sa[0].VS, sb[0].VS
	la, lb := proj.Labels(a.Expr.AST), proj.Labels(b.Expr.AST)
	for _, ma := range va.LabelMatchers {
		for _, mb := range vb.LabelMatchers {
			if ma.Name != mb.Name || ma.Name == labels.MetricName || la.Lacks(ma.Name) || lb.Lacks(ma.Name) {
				continue
			}
			if excludes(ma, mb) || excludes(mb, ma) {
				return true
			}
		}
	}
	return false
}

// excludes tells whether no value satisfies both matchers: x="v" against
// x="w" or x!="v".
func excludes(eq, other *labels.Matcher) bool {
	if eq.Type != labels.MatchEqual {
		return false
	}
	return !other.Matches(eq.Value)
}

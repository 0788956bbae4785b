package checks

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/position"
)

// DuplicateAlert reports alerts defined twice with the same labels in rule
// files one Prometheus loads together.
var DuplicateAlert = register(&lint.Check{
	ID:       "syntax/duplicate-alert",
	Severity: lint.Error,
	Doc: `Two alerting rules that one Prometheus loads together have the same alert
name and the same labels. Both produce alerts with identical label sets, so
Alertmanager cannot tell them apart: one silently replaces the other in
notifications, inhibitions and silences, and the ALERTS series of the two
collide. Give them different names, or different labels (a severity tier
is the usual reason to have two rules with one name).

Prometheus accepts one alert name in several groups and files; the two
collide only when one Prometheus loads both. What is known to be loaded
together: the rules of one rule file (one PrometheusRule resource); the
PrometheusRules one Prometheus resource selects (a Prometheus among the
linted files, given with --prometheus or listed under prometheus: in
.rulecheck.yaml); the rule files of one set under rule_file_sets: in
.rulecheck.yaml (the globs of one Prometheus's rule_files). Rules in
files not known to be loaded together are not compared, so linting many
unrelated rule sets at once does not report their common alert names.

With one expression the two always fire together: an error. With
different expressions they collide only while both fire for the same
series, which the expressions alone rarely tell: a warning (one alert name
for several conditions is a common pattern; give each condition its own
name, or a label that tells them apart). Not reported: two rules whose
expressions select series that differ in a label both results keep
(handler="/a" and handler!="/a"), and two whose conditions on the same
series cannot hold at once (x == 0 and x > 0, without keep_firing_for).`,
	Example: `groups:
- name: example
  rules:
  - alert: InstanceDown
    expr: up == 0
    labels: {severity: critical}
  - alert: InstanceDown
    expr: up == 0
    for: 5m
    labels: {severity: critical}`,
	Run: func(p *lint.Pass) {
		earlier := firstDefinitions.Get(p.Project, struct{}{})
		for _, g := range p.File.Groups {
			for _, r := range g.Rules {
				prev, dup := earlier[r]
				if !dup {
					continue
				}
				where := fmt.Sprintf("line %d", prev.rule.Pos.Line)
				if prev.rule.Group.File != p.File {
					where = fmt.Sprintf("%s:%d", prev.rule.Group.File.Path, prev.rule.Pos.Line)
				}
				if prev.by != "" {
					where += ", and " + prev.by + " loads both"
				}
				if sameExpr(prev.rule, r) {
					p.Reportf(r.NamePos, "alert %s with labels {%s} and the same expression is already defined at %s: the two always fire together and Alertmanager cannot tell their alerts apart", r.Name, labelKey(r.Raw.Labels), where)
					continue
				}
				p.Report(lint.Finding{
					Range:    position.At(p.File.Path, r.NamePos.Line, r.NamePos.Column),
					Severity: lint.Warning,
					Message:  fmt.Sprintf("alert %s with labels {%s} is already defined at %s with another expression: when both fire for the same series, Alertmanager cannot tell their alerts apart and their ALERTS series collide (give each condition its own name, or a label that tells them apart)", r.Name, labelKey(r.Raw.Labels), where),
				})
			}
		}
	},
})

// definition is an earlier rule an alert repeats, and what loads both ("" for
// one rule file).
type definition struct {
	rule *lint.Rule
	by   string
}

// firstDefinitions maps each alerting rule that repeats the name and labels
// of an earlier one loaded with it to that earlier rule, computed once for
// the project.
var firstDefinitions = &lint.Shared[struct{}, map[*lint.Rule]definition]{Name: "first definition of each alert", Compute: func(proj *lint.Project, _ struct{}) map[*lint.Rule]definition {
	seen := map[string][]*lint.Rule{}
	out := map[*lint.Rule]definition{}
	var loads map[loadUnit][]string
	for _, r := range proj.Rules() {
		if !r.IsAlert {
			continue
		}
		key := r.Name + "\x00" + labelKey(r.Raw.Labels)
		for _, prev := range seen[key] {
			if disjointResults(proj, prev, r) || exclusiveConditions(prev, r) {
				continue
			}
			if unitOf(prev) == unitOf(r) {
				out[r] = definition{rule: prev}
				break
			}
			if loads == nil {
				loads = loadedBy(proj)
			}
			if by := common(loads[unitOf(prev)], loads[unitOf(r)]); by != "" {
				out[r] = definition{rule: prev, by: by}
				break
			}
		}
		seen[key] = append(seen[key], r)
	}
	return out
}}

// loadUnit is what Prometheus loads as one rule file: a rule file, or one
// PrometheusRule resource (the operator writes each to a file of its own).
type loadUnit struct {
	file     *lint.File
	resource *lint.Resource
}

func unitOf(r *lint.Rule) loadUnit { return loadUnit{r.Group.File, r.Group.Resource} }

// loadedBy names, for each unit, what is known to load it: the Prometheus
// resources that select it and the configured rule file sets that list it.
func loadedBy(proj *lint.Project) map[loadUnit][]string {
	out := map[loadUnit][]string{}
	cfg := proj.Config
	sets := make([]map[string]bool, len(cfg.RuleFileSets))
	for i, s := range cfg.RuleFileSets {
		sets[i] = s.Files(cfg.Path)
	}
	for _, f := range proj.Files {
		abs, _ := filepath.Abs(f.Path)
		for _, g := range f.Groups {
			u := loadUnit{f, g.Resource}
			if _, done := out[u]; done {
				continue
			}
			var by []string
			for i, s := range cfg.RuleFileSets {
				if sets[i][abs] {
					by = append(by, "rule file set "+s.Name)
				}
			}
			if g.Resource != nil {
				for _, pr := range proj.Prometheuses {
					if notSelected(cfg, pr, g.Resource) == "" {
						by = append(by, "Prometheus "+pr.Key())
					}
				}
			}
			out[u] = by
		}
	}
	return out
}

// common returns the first name in both lists, "" if none.
func common(a, b []string) string {
	for _, x := range a {
		if slices.Contains(b, x) {
			return x
		}
	}
	return ""
}

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

// sameExpr tells whether two rules have the same expression, as Prometheus
// prints it.
func sameExpr(a, b *lint.Rule) bool {
	if a.Expr == nil || b.Expr == nil || a.Expr.AST == nil || b.Expr.AST == nil {
		return false
	}
	return a.Expr.AST.String() == b.Expr.AST.String()
}

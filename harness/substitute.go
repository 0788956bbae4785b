package harness

import (
	"fmt"
	"time"

	"github.com/prometheus/prometheus/rules"

	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/codevaldcortex/rulecheck/harness/prune"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
)

// RuleRef names one rule of a rule file: its group and its place in the
// group, counted from 0 in file order.
type RuleRef struct {
	File         string
	Group, Index int
}

// WithRule returns a Runner that runs fixtures as r does, except that the
// rule at ref is replaced by rule wherever a fixture loads ref.File. It
// shares r's loaded rule files, parsed expressions, configurations and
// Alertmanager configurations, so nothing is read again; mutation testing
// runs each mutant this way.
//
// A test group whose pruning plan (package prune) keeps neither the rule as
// written nor its substitute is not replayed: its result is marked
// Unaffected. Its verdict is the one r gives: the plans then keep the
// same rules (both rules write the same name, so neither is reached
// through what the assertions read, and neither might fail), and those
// rules are the same in both runs. Options.NoPrune replays every group.
func (r *Runner) WithRule(ref RuleRef, rule rulefmt.Rule) (*Runner, error) {
	f, err := r.loader.File(ref.File)
	if err != nil {
		return nil, err
	}
	if ref.Group < 0 || ref.Group >= len(f.Groups) || ref.Index < 0 || ref.Index >= len(f.Groups[ref.Group].Rules) {
		return nil, fmt.Errorf("%s: no rule %d in group %d", ref.File, ref.Index, ref.Group)
	}
	cp := *f
	cp.Groups = append([]rulefile.Group(nil), f.Groups...)
	g := &cp.Groups[ref.Group]
	g.Rules = append([]rulefmt.Rule(nil), g.Rules...)
	g.Rules[ref.Index] = rule
	return &Runner{
		opts: r.opts, p: r.p, ruleMetrics: r.ruleMetrics,
		loader:  r.loader.With(ref.File, &cp),
		configs: r.configs, ams: r.ams,
		sub: &substitution{base: r, file: ref.File, group: g.Name, index: ref.Index},
	}, nil
}

// substitution is the rule a WithRule Runner replaces, and the Runner
// that runs the rule as written.
type substitution struct {
	base  *Runner
	file  string
	group string
	index int
}

// subject returns the substituted rule's place among the loaded groups.
func (s *substitution) subject(groups []*rules.Group) rules.Rule {
	for _, g := range groups {
		if g.File() == s.file && g.Name() == s.group && s.index < len(g.Rules()) {
			return g.Rules()[s.index]
		}
	}
	return nil
}

// unaffected reports whether the substituted rule cannot change the test
// group's verdict: the plan keeps it neither as substituted nor as written.
func (rp *replay) unaffected(plan prune.Plan, end time.Duration) bool {
	s := rp.r.sub
	if s == nil {
		return false
	}
	if r := s.subject(rp.groups); r == nil || plan.Keeps(r) {
		return false
	}
	defaultInterval := rp.tg.Interval
	if rp.f.ServerSchedule {
		defaultInterval = rp.f.EvaluationInterval
	}
	written, err := s.base.prototypes(rp.f, defaultInterval)
	if err != nil {
		return false
	}
	mutated := rp.groups
	rp.groups = written
	before := rp.plan(end)
	rp.groups = mutated
	r := s.subject(written)
	return r != nil && !before.Keeps(r)
}

// RuleFile returns the rule file at path as the Runner loads it (once).
func (r *Runner) RuleFile(path string) (*rulefile.File, error) {
	return r.loader.File(path)
}

package harness

import (
	"fmt"
	"slices"
	"sync"
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
//
// Unless Options.NoSharing is set, the Runner also shares with r what the
// substitution cannot change, so that a mutant costs only its own group:
//   - the loaded rule groups (never evaluated: replays evaluate fresh
//     copies) other than the one holding the rule; that one is loaded
//     alone, by the same rule manager call, from a file holding only it.
//     A group is built from its own rules and the loading options only,
//     so each shared group is the group a load of the whole file makes;
//   - the outcomes of evaluating an expression over no data (prune's
//     FailsOnNoData), which depend on the expression and the engine's
//     options only;
//   - each test group's plan for the rules as written, which depends on
//     the test group, the rules as written and the options only.
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
	only := cp
	only.Groups = []rulefile.Group{*g}
	loader := r.loader.With(ref.File, &cp)
	probes, memo := r.probes, r.memo
	if r.opts.NoSharing {
		probes, memo = &probeCache{}, &prune.Memo{}
	}
	return &Runner{
		opts: r.opts, p: r.p, ruleMetrics: r.ruleMetrics,
		loader:  loader,
		configs: r.configs, ams: r.ams, probes: probes, memo: memo,
		sub: &substitution{base: r, file: ref.File, unit: f.UnitOf(*g).ID, group: g.Name, index: ref.Index, only: r.loader.With(ref.File, &only)},
	}, nil
}

// substitution is the rule a WithRule Runner replaces, and the Runner
// that runs the rule as written.
type substitution struct {
	base *Runner
	file string
	// unit is the ID of the rule file (rulefile.Unit) the rule's group is
	// loaded as: the groups of several PrometheusRules of one file may
	// share a name.
	unit  string
	group string
	index int
	// only serves the rule file with the substituted rule's group alone.
	only *rulefile.Loader
}

// subject returns the substituted rule's place among the loaded groups.
func (s *substitution) subject(groups []*rules.Group) rules.Rule {
	for _, g := range groups {
		if g.File() == s.unit && g.Name() == s.group && s.index < len(g.Rules()) {
			return g.Rules()[s.index]
		}
	}
	return nil
}

// prototypes returns the base Runner's loaded groups for the fixture, with
// the substituted rule's group loaded again, alone, with the substitute.
func (s *substitution) prototypes(r *Runner, f *Fixture, defaultInterval time.Duration) ([]*rules.Group, error) {
	written, err := s.base.prototypes(f, defaultInterval)
	if err != nil || !slices.Contains(f.RuleFiles, s.file) {
		return written, err
	}
	// Loaded as its unit (the base Runner's prototypes registered it), so
	// that it replaces the group of its PrometheusRule only.
	loaded, err := r.loadGroups(s.only, defaultInterval, []string{s.unit})
	if err != nil {
		return nil, err
	}
	g, ok := loaded[rules.GroupKey(s.unit, s.group)]
	if !ok || len(loaded) != 1 {
		return nil, fmt.Errorf("%s: group %q did not load alone", s.unit, s.group)
	}
	out := slices.Clone(written)
	for i, w := range out {
		if w.File() == s.unit && w.Name() == s.group {
			out[i] = g
		}
	}
	return out, nil
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
	kept, ok := rp.writtenKept(end)
	return ok && !kept
}

// writtenKept reports whether the test group's plan for the rules as
// written keeps the substituted rule; ok is false when that plan cannot be
// made. The plan is kept by the base Runner for the next substitutions.
func (rp *replay) writtenKept(end time.Duration) (kept, ok bool) {
	s := rp.r.sub
	key := writtenKey{tg: rp.tg, end: end}
	if !rp.r.opts.NoSharing {
		if w, ok := s.base.written.get(key); ok {
			return w.keeps(s), w.ok
		}
	}
	defaultInterval := rp.tg.Interval
	if rp.f.ServerSchedule {
		defaultInterval = rp.f.EvaluationInterval
	}
	var w writtenPlan
	if groups, err := s.base.prototypes(rp.f, defaultInterval); err == nil {
		mutated := rp.groups
		rp.groups = groups
		w = writtenPlan{groups: groups, plan: rp.plan(end), ok: true}
		rp.groups = mutated
	}
	if !rp.r.opts.NoSharing {
		s.base.written.put(key, w)
	}
	return w.keeps(s), w.ok
}

// writtenKey names a test group's plan for the rules as written.
type writtenKey struct {
	tg  *TestGroup
	end time.Duration
}

// writtenPlan is a test group's plan for the rules as written, over the
// groups it was made for.
type writtenPlan struct {
	groups []*rules.Group
	plan   prune.Plan
	ok     bool
}

// keeps reports whether the plan keeps the rule the substitution replaces.
func (w writtenPlan) keeps(s *substitution) bool {
	r := s.subject(w.groups)
	return r == nil || w.plan.Keeps(r)
}

// writtenPlans holds the plans for the rules as written, per test group.
type writtenPlans struct {
	mtx sync.Mutex
	m   map[writtenKey]writtenPlan
}

func (c *writtenPlans) get(k writtenKey) (writtenPlan, bool) {
	c.mtx.Lock()
	defer c.mtx.Unlock()
	w, ok := c.m[k]
	return w, ok
}

func (c *writtenPlans) put(k writtenKey, w writtenPlan) {
	c.mtx.Lock()
	defer c.mtx.Unlock()
	if c.m == nil {
		c.m = map[writtenKey]writtenPlan{}
	}
	c.m[k] = w
}

// RuleFile returns the rule file at path as the Runner loads it (once).
func (r *Runner) RuleFile(path string) (*rulefile.File, error) {
	return r.loader.File(path)
}

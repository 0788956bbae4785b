package harness

import (
	"fmt"

	"github.com/prometheus/prometheus/model/rulefmt"

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
	}, nil
}

// RuleFile returns the rule file at path as the Runner loads it (once).
func (r *Runner) RuleFile(path string) (*rulefile.File, error) {
	return r.loader.File(path)
}

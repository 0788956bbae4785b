package coverage

import (
	"fmt"
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
	"github.com/codevaldcortex/rulecheck/internal/selector"
	"github.com/codevaldcortex/rulecheck/position"
)

// Options say which rules a report covers and how to read them.
type Options struct {
	// RuleFiles are rule files to report on besides those the tests load,
	// so that a file no test loads shows 0% (FindRuleFiles expands
	// directories).
	RuleFiles []string
	// Parser parses the rules' and assertions' PromQL (default: no
	// feature flags).
	Parser parser.Parser
	// IgnoreUnknownFields accepts unknown fields in rule files.
	IgnoreUnknownFields bool
}

// Compute reports the coverage of a test run: every rule of opts.RuleFiles
// and of the rule files the fixtures load, and what the assertions that ran
// did with it. It returns an error when a rule file cannot be loaded.
func Compute(results []*harness.FileResult, opts Options) (*Report, error) {
	if opts.Parser == nil {
		opts.Parser = promqlparser.New(parser.Options{})
	}
	c := &computer{opts: opts, files: map[string]*ruleFile{}, scopes: map[string]*scope{}, rep: &Report{}}
	for _, f := range opts.RuleFiles {
		if err := c.load(f); err != nil {
			return nil, err
		}
	}
	for _, fr := range results {
		for _, f := range fr.RuleFiles {
			if err := c.load(f); err != nil {
				return nil, err
			}
		}
	}
	for _, fr := range results {
		s := c.scope(fr.RuleFiles)
		for _, tr := range fr.Tests {
			if tr.Skipped {
				continue
			}
			for _, r := range s.rules {
				r.Loaded = true
			}
			s.test(fr.Path, tr)
		}
	}
	return c.rep, nil
}

type computer struct {
	opts   Options
	files  map[string]*ruleFile
	scopes map[string]*scope
	rep    *Report
}

// load adds a rule file to the report, once however it is named.
func (c *computer) load(path string) error {
	k := key(path)
	if _, ok := c.files[k]; ok {
		return nil
	}
	rf, err := loadRuleFile(path, rulefile.Options{Parser: c.opts.Parser, IgnoreUnknownFields: c.opts.IgnoreUnknownFields})
	if err != nil {
		return err
	}
	c.files[k] = rf
	c.rep.Files = append(c.rep.Files, path)
	c.rep.Rules = append(c.rep.Rules, rf.rules...)
	return nil
}

// scope is the rules one fixture loads, indexed for its assertions.
type scope struct {
	p     parser.Parser
	rules []*Rule
	reads map[*Rule][]parser.Expr
	// records maps a recorded metric name to its rules; alerts an alert
	// name to its rules.
	records, alerts map[string][]*Rule
	byPlace         map[place]*Rule
	// deps memoizes, per rule, the rules it reads.
	deps map[*Rule][]*Rule
}

// depsOf returns the rules whose output r reads (its expression and its
// template queries).
func (s *scope) depsOf(r *Rule) []*Rule {
	if d, ok := s.deps[r]; ok {
		return d
	}
	var d []*Rule
	for _, e := range s.reads[r] {
		d = append(d, s.targets(e)...)
	}
	s.deps[r] = d
	return d
}

// place identifies a rule as the replay's History does.
type place struct {
	file, resource, group string
	index                 int
}

func (c *computer) scope(files []string) *scope {
	k := fmt.Sprintf("%q", files)
	if s, ok := c.scopes[k]; ok {
		return s
	}
	s := c.newScope(files)
	c.scopes[k] = s
	return s
}

func (c *computer) newScope(files []string) *scope {
	s := &scope{p: c.opts.Parser, reads: map[*Rule][]parser.Expr{}, records: map[string][]*Rule{}, alerts: map[string][]*Rule{}, byPlace: map[place]*Rule{}, deps: map[*Rule][]*Rule{}}
	for _, f := range files {
		rf := c.files[key(f)]
		for _, r := range rf.rules {
			s.rules = append(s.rules, r)
			s.reads[r] = rf.reads[r]
			s.byPlace[place{key(f), r.Resource, r.Group, r.Index}] = r
			if r.Kind == Alert {
				s.alerts[r.Name] = append(s.alerts[r.Name], r)
			} else {
				s.records[r.Name] = append(s.records[r.Name], r)
			}
		}
	}
	return s
}

// test records what one test group's checked assertions did.
func (s *scope) test(path string, tr *harness.TestResult) {
	hist := map[*Rule]*harness.RuleHistory{}
	if tr.History != nil {
		for _, rh := range tr.History.Rules {
			if r := s.byPlace[place{key(rh.File), rh.Resource, rh.Group, rh.Index}]; r != nil {
				hist[r] = rh
			}
		}
	}
	for _, c := range tr.Checked {
		line := tr.Line
		switch a := c.Assertion.(type) {
		case fixture.AlertTest:
			line = a.Line
		case fixture.ExprTest:
			line = a.Line
		}
		pos := position.At(path, line, 0)
		for _, r := range s.reached(c.Assertion) {
			if n := len(r.ReadBy); n == 0 || r.ReadBy[n-1] != pos {
				r.ReadBy = append(r.ReadBy, pos)
			}
		}
		if !c.Passed {
			continue
		}
		switch a := c.Assertion.(type) {
		case fixture.AlertTest:
			s.alertTest(a, hist)
		case fixture.Timeline:
			s.timeline(a, hist)
		}
	}
}

// reached returns the rules an assertion reads, directly or through the
// rules it reads, in file order.
func (s *scope) reached(a fixture.Assertion) []*Rule {
	rd := a.Reads()
	seen := map[*Rule]bool{}
	var queue []*Rule
	add := func(rs []*Rule) {
		for _, r := range rs {
			if !seen[r] {
				seen[r] = true
				queue = append(queue, r)
			}
		}
	}
	for _, n := range rd.Alerts {
		add(s.alerts[n])
	}
	if rd.AllAlerts {
		for _, r := range s.rules {
			if r.Kind == Alert {
				add([]*Rule{r})
			}
		}
	}
	for _, q := range rd.Queries {
		if e, err := s.p.ParseExpr(q); err == nil {
			add(s.targets(e))
		}
	}
	for i := 0; i < len(queue); i++ {
		add(s.depsOf(queue[i]))
	}
	out := make([]*Rule, 0, len(seen))
	for _, r := range s.rules {
		if seen[r] {
			out = append(out, r)
		}
	}
	return out
}

// targets returns the rules whose output an expression's selectors may
// select: recording rules by name, alerting rules through ALERTS and
// ALERTS_FOR_STATE (narrowed by alertname matchers).
func (s *scope) targets(e parser.Expr) []*Rule {
	var out []*Rule
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		if name := selector.MetricName(vs); name != "" && name != "ALERTS" && name != "ALERTS_FOR_STATE" {
			out = append(out, s.records[name]...)
			return nil
		}
		for name, rs := range s.records {
			if matches(vs, labels.MetricName, name) {
				out = append(out, rs...)
			}
		}
		if matches(vs, labels.MetricName, "ALERTS") || matches(vs, labels.MetricName, "ALERTS_FOR_STATE") {
			for name, rs := range s.alerts {
				if matches(vs, labels.AlertName, name) {
					out = append(out, rs...)
				}
			}
		}
		return nil
	})
	return out
}

// matches reports whether the selector's matchers on label accept value.
func matches(vs *parser.VectorSelector, label, value string) bool {
	for _, m := range vs.LabelMatchers {
		if m.Name == label && !m.Matches(value) {
			return false
		}
	}
	return true
}

// alertTest records what a promtool alert test that held asserted.
func (s *scope) alertTest(a fixture.AlertTest, hist map[*Rule]*harness.RuleHistory) {
	rs := s.alerts[a.Alertname]
	for _, r := range rs {
		rh := hist[r]
		if rh == nil {
			continue
		}
		if len(a.ExpAlerts) == 0 && couldFire(r, rh, a.EvalTime) {
			r.Silent = true
		}
		if pendingAt(rh, a.EvalTime) {
			r.ForBoundary = true
		}
	}
	for _, ea := range a.ExpAlerts {
		lset := labels.FromMap(ea.Labels)
		for _, r := range rs {
			if rh := hist[r]; rh != nil && rh.StateAt(lset, a.EvalTime) == harness.Firing {
				r.fired(len(ea.Labels) > 0, len(ea.Annotations) > 0)
			}
		}
	}
}

func (r *Rule) fired(labels, annotations bool) {
	r.Fired = true
	r.LabelsAsserted = r.LabelsAsserted || labels
	r.AnnotationsAsserted = r.AnnotationsAsserted || annotations
}

// timeline records what a timeline that held asserted: the alerts it pins
// (every alert, unless others may fire) were silent wherever the replay
// left them inactive or pending, and fired as its entries say.
func (s *scope) timeline(t fixture.Timeline, hist map[*Rule]*harness.RuleHistory) {
	var pinned []*Rule
	if t.AllowUnlisted {
		names := map[string]bool{}
		for _, e := range t.Entries {
			if !names[e.Alert] {
				names[e.Alert] = true
				pinned = append(pinned, s.alerts[e.Alert]...)
			}
		}
	} else {
		for _, r := range s.rules {
			if r.Kind == Alert {
				pinned = append(pinned, r)
			}
		}
	}
	for _, r := range pinned {
		if rh := hist[r]; rh != nil && silentSomewhere(r, rh) {
			r.Silent = true
		}
	}
	for _, e := range t.Entries {
		if e.Firing == nil {
			continue
		}
		lset := labels.FromMap(e.Labels)
		for _, r := range s.alerts[e.Alert] {
			rh := hist[r]
			if rh == nil || !slices.ContainsFunc(rh.Episodes, func(ep harness.Episode) bool { return labels.Equal(ep.Labels, lset) }) {
				continue
			}
			r.fired(len(e.Labels) > 0, e.Annotations != nil)
			// The entry pins when it turned firing, so every state between
			// pending and firing was checked.
			if r.For > 0 {
				r.ForBoundary = true
			}
		}
	}
}

// couldFire reports whether the rule was not firing at t though it could
// have been: it had been evaluated for its 'for' by then (before that, no
// silence assertion can fail).
func couldFire(r *Rule, rh *harness.RuleHistory, t time.Duration) bool {
	if len(rh.Evaluations) == 0 || rh.Evaluations[0].From+r.For > t {
		return false
	}
	for _, ep := range rh.Episodes {
		if ep.Firing != nil && *ep.Firing <= t && (ep.Resolved == nil || t < *ep.Resolved) {
			return false
		}
	}
	return true
}

// silentSomewhere reports whether, at some evaluation, the rule could have
// fired but was not firing: at its first or last evaluation, or when an
// episode began or ended.
func silentSomewhere(r *Rule, rh *harness.RuleHistory) bool {
	if len(rh.Evaluations) == 0 {
		return false
	}
	last := rh.Evaluations[len(rh.Evaluations)-1]
	cands := []time.Duration{rh.Evaluations[0].From, last.From + time.Duration(max(last.N-1, 0))*last.Every}
	for _, ep := range rh.Episodes {
		cands = append(cands, ep.Pending)
		if ep.Resolved != nil {
			cands = append(cands, *ep.Resolved)
		}
	}
	for _, t := range cands {
		if rh.EvaluatedAt(t) && couldFire(r, rh, t) {
			return true
		}
	}
	return false
}

// pendingAt reports whether an instance of the rule was pending at t.
func pendingAt(rh *harness.RuleHistory, t time.Duration) bool {
	for _, ep := range rh.Episodes {
		if ep.Pending <= t && (ep.Firing == nil || t < *ep.Firing) && (ep.Resolved == nil || t < *ep.Resolved) {
			return true
		}
	}
	return false
}

// Package prune decides which rules a replay must evaluate, and until when.
//
// A test group's assertions usually depend on a small part of the rules it
// loads. A rule whose results no assertion can see is dropped before the
// replay, provided dropping it cannot change a verdict.
//
// A rule's results are seen through the metric names it writes (its record
// name, or ALERTS and ALERTS_FOR_STATE for an alert), through the alert
// state an assertion reads, and through template queries. A rule also
// decides a verdict by failing: promtool stops a test group at the first
// rule error. So a rule is dropped only if nothing needed reads it and it
// provably cannot fail on this test group's data (see mightFailOn).
//
// Anything not provably safe is kept, with everything it reads. The
// package is pure: it reads the loaded rules, the input series and what
// each assertion reads (Read), and evaluates nothing.
package prune

import (
	"slices"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"
)

// Read is what one assertion reads: the state of alerting rules, the
// results of PromQL queries, and until when.
type Read struct {
	// Alerts are the names of the alerting rules whose state it reads.
	Alerts []string
	// AllAlerts is set when it reads every alerting rule's state (a
	// timeline that nothing else may fire).
	AllAlerts bool
	// Queries are PromQL expressions it runs; a query that does not parse
	// keeps every rule.
	Queries []string
	// At is the latest time it reads, relative to the replay's start.
	At time.Duration
	// ToEnd is set when it reads until the end of the replay.
	ToEnd bool
}

// Input is what the decision is made from.
type Input struct {
	// Groups are the loaded rule groups (analysed, never evaluated).
	Groups []*rules.Group
	// Series are the label sets of the input series; Histograms is set
	// when any of them holds a native histogram sample.
	Series     []labels.Labels
	Histograms bool
	// Reads are what the test group's assertions read.
	Reads []Read
	// End is the replay's last evaluation, relative to its start.
	End time.Duration
	// Step is the shortest interval between two evaluations or samples.
	Step time.Duration
	// MaxQuerySamples is the engine's per-query sample limit.
	MaxQuerySamples int
	// Parser parses the assertions' queries.
	Parser parser.Parser
	// DelayedNameRemoval is set when the engine drops metric names at the
	// end of a query (promql-delayed-name-removal).
	DelayedNameRemoval bool
	// FailsOnNoData evaluates a rule once over no data and reports whether
	// that fails; it decides the errors that do not depend on data (see
	// mightFailOn). Without it, every rule that might fail is evaluated.
	FailsOnNoData func(rules.Rule) bool
	// Memo, when set, keeps between decisions what depends only on the
	// parsed expressions, which callers share between test groups.
	Memo *Memo
}

// Memo keeps what depends only on a parsed expression, by pointer: the
// printed form of each selector and whether an expression's parameters
// read the clock. A parsed expression is never changed, so these are
// always the same. It is safe for concurrent use; a nil Memo keeps
// nothing. Decisions are the same with or without one.
type Memo struct {
	mtx   sync.Mutex
	keys  map[*parser.VectorSelector]string
	clock map[parser.Expr]bool
}

// key returns the selector's printed form, the key of its bound.
func (m *Memo) key(vs *parser.VectorSelector) string {
	if m == nil {
		return vs.String()
	}
	m.mtx.Lock()
	defer m.mtx.Unlock()
	if k, ok := m.keys[vs]; ok {
		return k
	}
	if m.keys == nil {
		m.keys = map[*parser.VectorSelector]string{}
	}
	k := vs.String()
	m.keys[vs] = k
	return k
}

// clockParams returns clockParams(e).
func (m *Memo) clockParams(e parser.Expr) bool {
	if m == nil {
		return clockParams(e)
	}
	m.mtx.Lock()
	defer m.mtx.Unlock()
	if c, ok := m.clock[e]; ok {
		return c
	}
	if m.clock == nil {
		m.clock = map[parser.Expr]bool{}
	}
	c := clockParams(e)
	m.clock[e] = c
	return c
}

// Plan is the decision: the rules to evaluate and, for each, the last time
// (relative to the start) its evaluation can matter. A nil Needed keeps
// every rule for the whole replay.
type Plan struct {
	Needed  map[rules.Rule]bool
	Horizon map[rules.Rule]time.Duration
}

// Keeps reports whether the plan evaluates r.
func (p Plan) Keeps(r rules.Rule) bool { return p.Needed == nil || p.Needed[r] }

// Decide returns the plan for a test group.
func Decide(in Input) Plan {
	a := newAnalysis(in)
	exprs, ok := a.parseReads()
	if !ok {
		return Plan{}
	}
	needed, ok := a.needed(exprs)
	if !ok {
		return Plan{}
	}
	return Plan{Needed: needed, Horizon: a.horizons(needed, exprs)}
}

// analysis is the static knowledge about a replay's rules.
type analysis struct {
	in Input
	// writers maps a metric name to the rules writing it.
	writers map[string][]rules.Rule
	alerts  []*rules.AlertingRule
	// seriesKeys holds the label names of the input series, per metric.
	seriesKeys map[string]map[string]bool
	// memo for bounds and keys; visiting marks recursion in progress.
	bounds   map[string]int
	keys     map[string]map[string]bool
	visiting map[string]bool
	stack    []string
	selfLoop map[string]bool
	// mightFail holds the rules that could fail.
	mightFail map[rules.Rule]bool
}

func newAnalysis(in Input) *analysis {
	a := &analysis{
		in: in, writers: map[string][]rules.Rule{},
		seriesKeys: map[string]map[string]bool{},
		bounds:     map[string]int{}, keys: map[string]map[string]bool{}, visiting: map[string]bool{},
		selfLoop: map[string]bool{}, mightFail: map[rules.Rule]bool{},
	}
	for _, g := range in.Groups {
		for _, r := range g.Rules() {
			for _, name := range writes(r) {
				a.writers[name] = append(a.writers[name], r)
			}
			if ar, ok := r.(*rules.AlertingRule); ok {
				a.alerts = append(a.alerts, ar)
			}
		}
	}
	for _, s := range in.Series {
		name := s.Get(labels.MetricName)
		if a.seriesKeys[name] == nil {
			a.seriesKeys[name] = map[string]bool{}
		}
		s.Range(func(l labels.Label) { a.seriesKeys[name][l.Name] = true })
	}
	return a
}

// writes returns the metric names a rule writes.
func writes(r rules.Rule) []string {
	if _, ok := r.(*rules.AlertingRule); ok {
		return []string{"ALERTS", "ALERTS_FOR_STATE"}
	}
	return []string{r.Name()}
}

// parseReads parses every query of the reads; ok is false if one does not
// parse (reported when the test runs; keep everything).
func (a *analysis) parseReads() ([][]parser.Expr, bool) {
	out := make([][]parser.Expr, len(a.in.Reads))
	for i, rd := range a.in.Reads {
		for _, q := range rd.Queries {
			e, err := a.in.Parser.ParseExpr(q)
			if err != nil {
				return nil, false
			}
			out[i] = append(out[i], e)
		}
	}
	return out, true
}

// needed returns the rules the reads need, the rules that might fail, and
// everything those read; ok is false when that cannot be bounded (a
// selector without an exact name, a template query).
func (a *analysis) needed(exprs [][]parser.Expr) (map[rules.Rule]bool, bool) {
	needed := map[rules.Rule]bool{}
	var queue []rules.Rule
	need := func(r rules.Rule) {
		if !needed[r] {
			needed[r] = true
			queue = append(queue, r)
		}
	}
	needExpr := func(e parser.Expr) bool {
		names, ok := selectorNames(e)
		for _, n := range names {
			for _, w := range a.writers[n] {
				need(w)
			}
		}
		return ok
	}
	alertNames := map[string]bool{}
	for i, rd := range a.in.Reads {
		for _, n := range rd.Alerts {
			alertNames[n] = true
		}
		for _, ar := range a.alerts {
			if rd.AllAlerts {
				alertNames[ar.Name()] = true
			}
		}
		for _, e := range exprs[i] {
			if !needExpr(e) {
				return nil, false
			}
		}
	}
	for _, ar := range a.alerts {
		if alertNames[ar.Name()] {
			need(ar)
		}
	}
	// Rules that might fail must run, and so must what they read.
	for _, g := range a.in.Groups {
		for _, r := range g.Rules() {
			if a.mightFailOn(r, g) {
				a.mightFail[r] = true
				need(r)
			}
		}
	}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		if !needExpr(r.Query()) {
			return nil, false
		}
		if ar, ok := r.(*rules.AlertingRule); ok && usesTemplateQuery(ar) {
			return nil, false
		}
	}
	return needed, true
}

// horizons computes, for each needed rule, the last time its evaluation can
// matter: the latest time of the reads that need it, directly or through
// the rules that read it; the replay's end for rules kept because they
// might fail, for reads to the end, and for everything when an expression
// looks ahead (negative offset, @). Nothing reads a rule's results after
// its horizon, so it need not be evaluated after it.
func (a *analysis) horizons(needed map[rules.Rule]bool, exprs [][]parser.Expr) map[rules.Rule]time.Duration {
	end := a.in.End
	h := map[rules.Rule]time.Duration{}
	raise := func(r rules.Rule, d time.Duration) bool {
		if cur, ok := h[r]; ok && cur >= d {
			return false
		}
		h[r] = d
		return true
	}
	lookahead := false
	for i, rd := range a.in.Reads {
		at := rd.At
		if rd.ToEnd {
			at = end
		}
		for _, ar := range a.alerts {
			if rd.AllAlerts && needed[ar] || slices.Contains(rd.Alerts, ar.Name()) {
				raise(ar, at)
			}
		}
		for _, e := range exprs[i] {
			lookahead = lookahead || looksAhead(e)
			names, _ := selectorNames(e)
			for _, n := range names {
				for _, w := range a.writers[n] {
					raise(w, at)
				}
			}
		}
	}
	for r := range needed {
		if a.mightFail[r] {
			raise(r, end)
		}
		lookahead = lookahead || looksAhead(r.Query())
	}
	for changed := true; changed; {
		changed = false
		for r := range needed {
			d, ok := h[r]
			if !ok {
				continue
			}
			names, _ := selectorNames(r.Query())
			for _, n := range names {
				for _, w := range a.writers[n] {
					if raise(w, d) {
						changed = true
					}
				}
			}
		}
	}
	for r := range needed {
		if _, ok := h[r]; !ok || lookahead {
			h[r] = end
		}
	}
	return h
}

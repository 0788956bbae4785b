package backtest

import (
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/rules"
)

// order returns the rules in the order the run evaluates them over a
// window: file order, except that a recording rule whose series a rule of
// an earlier group reads goes before that rule, as its samples are, on a
// server, written before the reader's later evaluations. A rule reading
// what a later rule of its own group records sees, on a server, the
// previous evaluation's output: the window-at-once evaluation cannot give
// that, and says so with an error of kind ErrUnsupported.
func (rs *RuleSet) order() ([]*rule, error) {
	var all []*rule
	for _, g := range rs.groups {
		all = append(all, g.rules...)
	}
	index := map[*rule]int{}
	for i, r := range all {
		index[r] = i
	}
	deps := make([][]*rule, len(all))
	for i, r := range all {
		if r.mayRead(r) {
			return nil, &Error{Kind: ErrUnsupported, Range: r.pos, Rule: r.r.Name(),
				Msg: "reads its own output (a server reads the previous evaluation's), which a backtest evaluating window by window cannot reproduce"}
		}
		for j, w := range all {
			if i == j || !r.mayRead(w) {
				continue
			}
			w.written = true
			if err := faithful(r, w, j > i); err != nil {
				return nil, err
			}
			deps[i] = append(deps[i], w)
		}
	}
	return topoSort(all, deps, index)
}

// faithful returns an error of kind ErrUnsupported when r reading what w
// records cannot be evaluated window by window with the result a server
// gives. Writing w's output for a whole window before r runs lets r see,
// at each time, every sample w writes at or before it; on a server r sees
// only what w wrote before r's evaluation. The two agree when w's group
// comes first in file order (ties go to w on both) or never evaluates at
// one of r's times, and when w's samples are not dated further back than
// r reads (w's query_offset is not larger than r's).
func faithful(r, w *rule, later bool) error {
	unsupported := func(why string) error {
		return &Error{Kind: ErrUnsupported, Range: r.pos, Rule: r.r.Name(),
			Msg: fmt.Sprintf("reads what %q writes (the rule at %s), %s; a backtest evaluating window by window cannot give what a server gives there", w.r.Name(), w.pos, why)}
	}
	rg, wg := r.group.g, w.group.g
	switch {
	case later && w.group == r.group:
		return unsupported("later in the same group (the server reads its previous evaluation); move the recording rule before it")
	case wg.QueryOffset() > rg.QueryOffset():
		return unsupported(fmt.Sprintf("whose group has a larger query_offset (%s, against %s)", wg.QueryOffset(), rg.QueryOffset()))
	case later && canTie(rg, wg):
		return unsupported("in a later group that evaluates at some of the same instants")
	}
	return nil
}

// canTie reports whether two groups have an evaluation time in common:
// their aligned first times differ by a multiple of the intervals' gcd.
func canTie(a, b *rules.Group) bool {
	t := time.Unix(1e9, 0)
	d := a.EvalTimestamp(t.UnixNano()).Sub(b.EvalTimestamp(t.UnixNano()))
	g := gcd(a.Interval(), b.Interval())
	return g > 0 && d%g == 0
}

func gcd(a, b time.Duration) time.Duration {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func namesMetric(sel []*labels.Matcher) bool {
	for _, m := range sel {
		if m.Name == labels.MetricName {
			return true
		}
	}
	return false
}

// topoSort orders all so that every rule comes after its deps, keeping
// file order where the dependencies allow.
func topoSort(all []*rule, deps [][]*rule, index map[*rule]int) ([]*rule, error) {
	const (
		unseen = iota
		visiting
		done
	)
	state := make([]int, len(all))
	out := make([]*rule, 0, len(all))
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case done:
			return nil
		case visiting:
			r := all[i]
			return &Error{Kind: ErrUnsupported, Range: r.pos, Rule: r.r.Name(), Msg: "is part of a cycle of recording rules reading each other across groups"}
		}
		state[i] = visiting
		for _, d := range deps[i] {
			if err := visit(index[d]); err != nil {
				return err
			}
		}
		state[i] = done
		out = append(out, all[i])
		return nil
	}
	for i := range all {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mayRead reports whether one of r's selectors may select the series that
// w writes: w is a recording rule whose name and static labels the
// selector's matchers accept, or an alerting rule whose ALERTS (or
// ALERTS_FOR_STATE) series (alertname and the labels it sets without
// templates) a selector naming the metric accepts. A matcher on a label w leaves to the data may match.
func (r *rule) mayRead(w *rule) bool {
	name, static := w.r.Name(), w.r.Labels()
	alert := false
	if a, ok := w.alerting(); ok {
		alert = true
		name, static = "ALERTS", alertLabels(a)
	}
	for _, sel := range r.reads {
		if !alert && selects(sel, name, static) {
			return true
		}
		if alert && namesMetric(sel) && (selects(sel, name, static) || selects(sel, "ALERTS_FOR_STATE", static)) {
			return true
		}
	}
	return false
}

// alertLabels are the labels an alert's ALERTS series has for sure: its
// alertname and the labels it sets to text without templates.
func alertLabels(a *rules.AlertingRule) labels.Labels {
	b := labels.NewBuilder(labels.EmptyLabels())
	a.Labels().Range(func(l labels.Label) {
		if !strings.Contains(l.Value, "{{") {
			b.Set(l.Name, l.Value)
		}
	})
	b.Set(labels.AlertName, a.Name())
	return b.Labels()
}

func selects(sel []*labels.Matcher, name string, static labels.Labels) bool {
	for _, m := range sel {
		if m.Name == labels.MetricName {
			if !m.Matches(name) {
				return false
			}
			continue
		}
		if static.Has(m.Name) && !m.Matches(static.Get(m.Name)) {
			return false
		}
	}
	return true
}

// readers returns the rules that may read what w records.
func (rs *RuleSet) readers(w *rule) []*rule {
	var out []*rule
	for _, g := range rs.groups {
		for _, r := range g.rules {
			if r != w && r.mayRead(w) {
				out = append(out, r)
			}
		}
	}
	return out
}

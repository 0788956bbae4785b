package prune

import (
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"

	"github.com/codevaldcortex/rulecheck/internal/selector"
)

// unbounded is a series bound that is too large to prove anything with.
const unbounded = 1 << 40

// looksAhead reports whether an expression can read samples after its
// evaluation time: a negative offset or an @ modifier.
func looksAhead(e parser.Expr) bool {
	ahead := false
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			if n.OriginalOffset < 0 || n.Timestamp != nil || n.StartOrEnd != 0 {
				ahead = true
			}
		case *parser.SubqueryExpr:
			if n.OriginalOffset < 0 || n.Timestamp != nil || n.StartOrEnd != 0 {
				ahead = true
			}
		}
		return nil
	})
	return ahead
}

// selectorNames returns the metric names an expression selects; ok is false
// if a selector does not name its metric exactly.
func selectorNames(e parser.Expr) ([]string, bool) { return selector.Names(e) }

// usesTemplateQuery reports whether an alert's templates may run queries.
func usesTemplateQuery(ar *rules.AlertingRule) bool {
	found := false
	check := func(l labels.Label) {
		if strings.Contains(l.Value, "query") {
			found = true
		}
	}
	ar.Labels().Range(check)
	ar.Annotations().Range(check)
	return found
}

// selectorBound bounds how many distinct series a selector can select
// during the replay: the input series it matches, plus whatever the rules
// writing its metric can output, leaving out rules whose fixed labels (or
// alert name, for ALERTS) contradict the selector's equality matchers.
//
// A rule may read the name it writes (an alert over ALERTS). Its outputs are
// then images of its other inputs under a fixed relabelling (set the name,
// alertname, alertstate and rule labels), which is idempotent, so feeding
// them back adds no new label sets: the bound is at most twice the bound
// without the loop. Longer cycles are not bounded.
func (a *analysis) selectorBound(vs *parser.VectorSelector) int {
	name := selector.MetricName(vs)
	if name == "" {
		return unbounded
	}
	key := a.in.Memo.key(vs)
	if b, ok := a.bounds[key]; ok {
		return b
	}
	if a.visiting[name] {
		if len(a.stack) > 0 && a.stack[len(a.stack)-1] == name {
			a.selfLoop[name] = true
			return 0
		}
		return unbounded
	}
	a.visiting[name] = true
	a.stack = append(a.stack, name)
	defer func() {
		delete(a.visiting, name)
		a.stack = a.stack[:len(a.stack)-1]
	}()
	b := 0
	for _, s := range a.in.Series {
		if matches(s, vs.LabelMatchers) {
			b++
		}
	}
	for _, w := range a.writers[name] {
		if contradicts(w, name, vs.LabelMatchers) {
			continue
		}
		b = satAdd(b, a.ruleBound(w))
	}
	if a.selfLoop[name] {
		b = min(2*b, unbounded)
	}
	a.bounds[key] = b
	return b
}

// ruleBound bounds the series a rule outputs; a scalar result is recorded
// as one series.
func (a *analysis) ruleBound(r rules.Rule) int {
	if r.Query().Type() == parser.ValueTypeScalar {
		return 1
	}
	return a.exprBound(r.Query())
}

func matches(lset labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(lset.Get(m.Name)) {
			return false
		}
	}
	return true
}

// contradicts reports whether a rule's outputs under name can never match
// the equality matchers: the rule sets the label to another fixed value.
func contradicts(r rules.Rule, name string, ms []*labels.Matcher) bool {
	fixed := map[string]string{}
	r.Labels().Range(func(l labels.Label) {
		if !strings.Contains(l.Value, "{{") {
			fixed[l.Name] = l.Value
		}
	})
	if _, isAlert := r.(*rules.AlertingRule); isAlert && (name == "ALERTS" || name == "ALERTS_FOR_STATE") {
		fixed[labels.AlertName] = r.Name()
	}
	for _, m := range ms {
		if v, ok := fixed[m.Name]; ok && m.Type == labels.MatchEqual && m.Value != v {
			return true
		}
	}
	return false
}

// exprBound bounds the distinct output series of a structurally safe
// expression, from the bounds of the series it selects: aggregations and
// functions never output more series than they read (absent and vector
// output one), one-to-one matching outputs at most the smaller side, "or"
// at most both sides, "and" and "unless" at most the left side. Scalars
// count as one series (a rule records a scalar as one sample).
func (a *analysis) exprBound(e parser.Expr) int {
	switch e := e.(type) {
	case *parser.VectorSelector:
		return a.selectorBound(e)
	case *parser.MatrixSelector:
		return a.exprBound(e.VectorSelector)
	case *parser.NumberLiteral, *parser.StringLiteral:
		return 1
	case *parser.ParenExpr:
		return a.exprBound(e.Expr)
	case *parser.UnaryExpr:
		return a.exprBound(e.Expr)
	case *parser.StepInvariantExpr:
		return a.exprBound(e.Expr)
	case *parser.AggregateExpr:
		return a.exprBound(e.Expr)
	case *parser.Call:
		n := 0
		for _, arg := range e.Args {
			if arg.Type() == parser.ValueTypeVector || arg.Type() == parser.ValueTypeMatrix {
				n = satAdd(n, a.exprBound(arg))
			}
		}
		switch e.Func.Name {
		case "absent", "absent_over_time", "vector":
			n = satAdd(n, 1)
		}
		if e.Type() == parser.ValueTypeScalar {
			return 1
		}
		return n
	case *parser.BinaryExpr:
		l, r := a.exprBound(e.LHS), a.exprBound(e.RHS)
		lv, rv := e.LHS.Type() == parser.ValueTypeVector, e.RHS.Type() == parser.ValueTypeVector
		switch {
		case !lv && !rv:
			return 1
		case !lv:
			return r
		case !rv:
			return l
		case e.Op == parser.LOR:
			return satAdd(l, r)
		case e.Op == parser.LAND || e.Op == parser.LUNLESS:
			return l
		default:
			return min(l, r)
		}
	}
	return unbounded
}

func satAdd(a, b int) int { return min(a+b, unbounded) }

// sampleBound bounds the samples one evaluation can hold: every selected
// series' samples in its window, plus the results along the way.
func (a *analysis) sampleBound(e parser.Expr, outBound int) int {
	step := a.in.Step
	if step <= 0 {
		return unbounded
	}
	total := 0
	nodes := 0
	parser.Inspect(e, func(n parser.Node, path []parser.Node) error {
		nodes++
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		window := 5 * time.Minute // the lookback delta
		if len(path) > 0 {
			if ms, ok := path[len(path)-1].(*parser.MatrixSelector); ok {
				window = ms.Range
			}
		}
		perSeries := int(window/step) + 2
		total = satAdd(total, min(a.selectorBound(vs), unbounded/perSeries)*perSeries)
		return nil
	})
	if total >= unbounded {
		return unbounded
	}
	return total + nodes*outBound
}

// exprKeys returns the label names an expression's results may carry (a
// superset); ok is false when they cannot be bounded.
func (a *analysis) exprKeys(e parser.Expr) (map[string]bool, bool) {
	switch e := e.(type) {
	case *parser.AggregateExpr:
		if e.Without {
			return a.exprKeys(e.Expr)
		}
		out := map[string]bool{}
		for _, l := range e.Grouping {
			out[l] = true
		}
		if e.Op == parser.COUNT_VALUES {
			s, ok := e.Param.(*parser.StringLiteral)
			if !ok {
				return nil, false
			}
			out[s.Val] = true
		}
		return out, true
	case *parser.NumberLiteral, *parser.StringLiteral:
		return map[string]bool{}, true
	case *parser.ParenExpr:
		return a.exprKeys(e.Expr)
	case *parser.UnaryExpr:
		return a.exprKeys(e.Expr)
	case *parser.StepInvariantExpr:
		return a.exprKeys(e.Expr)
	case *parser.BinaryExpr:
		return a.unionKeys(e.LHS, e.RHS)
	case *parser.Call:
		// Functions keep or drop their argument's labels; label_replace and
		// label_join, which add some, are not structurally safe.
		return a.unionKeys(e.Args...)
	case *parser.MatrixSelector:
		return a.exprKeys(e.VectorSelector)
	case *parser.VectorSelector:
		name := selector.MetricName(e)
		if name == "" {
			return nil, false
		}
		return a.nameKeys(name)
	}
	return nil, false
}

func (a *analysis) unionKeys(es ...parser.Expr) (map[string]bool, bool) {
	out := map[string]bool{}
	for _, e := range es {
		ks, ok := a.exprKeys(e)
		if !ok {
			return nil, false
		}
		for k := range ks {
			out[k] = true
		}
	}
	return out, true
}

func (a *analysis) nameKeys(name string) (map[string]bool, bool) {
	if ks, ok := a.keys[name]; ok {
		return ks, ks != nil
	}
	if a.visiting["keys:"+name] {
		return nil, false
	}
	a.visiting["keys:"+name] = true
	defer delete(a.visiting, "keys:"+name)
	out := map[string]bool{labels.MetricName: true}
	for k := range a.seriesKeys[name] {
		out[k] = true
	}
	for _, w := range a.writers[name] {
		ks, ok := a.exprKeys(w.Query())
		if !ok {
			a.keys[name] = nil
			return nil, false
		}
		for k := range ks {
			out[k] = true
		}
		w.Labels().Range(func(l labels.Label) { out[l.Name] = true })
		if _, isAlert := w.(*rules.AlertingRule); isAlert {
			out[labels.AlertName] = true
			out["alertstate"] = true
		}
	}
	a.keys[name] = out
	return out, true
}

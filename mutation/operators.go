package mutation

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

var operators = []Operator{
	{
		Name: "threshold", Doc: "Nudges the number a comparison compares with, one step below and above (the step is the magnitude of its leading digit, a tenth of it for a power of ten). A survivor: no series comes close to the threshold, so the tests would pass with a wrong one.",
		Example: [2]string{"cpu > 0.9", "cpu > 0.8"}, mutate: exprMutator(thresholdChanges),
	},
	{
		Name: "strictness", Doc: "Turns > into >= and < into <= (and back) where a number is compared with. A survivor: no series sits exactly on the threshold.",
		Example: [2]string{"errors > 5", "errors >= 5"}, mutate: exprMutator(strictnessChanges),
	},
	{
		Name: "comparison", Doc: "Reverses a comparison: > and <, >= and <=, == and !=. A survivor: no test checks that the alert stays silent on the healthy side.",
		Example: [2]string{"up == 0", "up != 0"}, mutate: exprMutator(comparisonChanges),
	},
	{
		Name: "for", Doc: "Halves, doubles and zeroes an alert's for. A survivor: no test checks the alert between the mutated and the written for, so it could fire earlier or later unnoticed.",
		Example: [2]string{"for: 5m", "for: 2m30s"}, mutate: durationMutator("for"),
	},
	{
		Name: "keep_firing_for", Doc: "Halves, doubles and zeroes an alert's keep_firing_for. A survivor: no test checks when the alert resolves.",
		Example: [2]string{"keep_firing_for: 10m", "keep_firing_for: 20m"}, mutate: durationMutator("keep_firing_for"),
	},
	{
		Name: "range", Doc: "Shortens a range selector's window to a fifth and lengthens it threefold ([5m] becomes [1m] and [15m]). A survivor: no test has data whose result depends on the window.",
		Example: [2]string{"rate(x[5m]) > 1", "rate(x[1m]) > 1"}, mutate: exprMutator(rangeChanges),
	},
	{
		Name: "matcher-drop", Doc: "Drops one label matcher of a selector (never the metric name). A survivor: no test has a series that the matcher excludes.",
		Example: [2]string{`up{job="api"} == 0`, `up == 0`}, mutate: exprMutator(matcherDropChanges),
	},
	{
		Name: "matcher-negate", Doc: "Turns = into != and =~ into !~ (and back) in one matcher. A survivor: no test has series on both sides of the matcher.",
		Example: [2]string{`up{job="api"} == 0`, `up{job!="api"} == 0`}, mutate: exprMutator(matcherNegateChanges),
	},
	{
		Name: "grouping", Doc: "Drops one label from an aggregation's by (...) or adds instance to its without (...). A survivor: no test has two series that differ only in that label.",
		Example: [2]string{"sum by (job, instance) (x)", "sum by (job) (x)"}, mutate: exprMutator(groupingChanges),
	},
	{
		Name: "aggregation", Doc: "Swaps sum and max. A survivor: no test aggregates several series into one group.",
		Example: [2]string{"sum(x) > 1", "max(x) > 1"}, mutate: exprMutator(aggregationChanges),
	},
	{
		Name: "function", Doc: "Swaps rate and irate, rate and increase. A survivor: no test's series change their slope within the window, or the threshold does not tell a per-second rate from a total.",
		Example: [2]string{"rate(x[5m]) > 1", "irate(x[5m]) > 1"}, mutate: exprMutator(functionChanges),
	},
	{
		Name: "set-operand", Doc: "Drops the right side of and / unless. A survivor: no test has a series the right side filters out.",
		Example: [2]string{"x > 1 unless on (job) maintenance", "x > 1"}, mutate: exprMutator(setChanges),
	},
	{
		Name: "label-drop", Doc: "Drops one of the rule's labels (an alert's severity, say). A survivor: no test checks the alert's labels.",
		Example: [2]string{"labels: {severity: critical}", "labels: {}"}, mutate: labelDrop,
	},
}

func isComparison(op parser.ItemType) bool { return op.IsComparisonOperator() }

// literalSide returns the number a comparison compares with.
func literalSide(b *parser.BinaryExpr) *parser.NumberLiteral {
	for _, e := range []parser.Expr{b.RHS, b.LHS} {
		if n, ok := e.(*parser.NumberLiteral); ok && !n.Duration {
			return n
		}
	}
	return nil
}

func thresholdChanges(n parser.Node) []change {
	b, ok := n.(*parser.BinaryExpr)
	if !ok || !isComparison(b.Op) || literalSide(b) == nil {
		return nil
	}
	v := literalSide(b).Val
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	step := thresholdStep(v)
	nudge := func(d float64) change {
		return func(n parser.Node) (parser.Node, string) {
			lit := literalSide(n.(*parser.BinaryExpr))
			to := round(lit.Val + d)
			hint := fmt.Sprintf("no series crosses %s closely: the threshold could be %s", formatNum(lit.Val), formatNum(to))
			lit.Val = to
			return nil, hint
		}
	}
	return []change{nudge(-step), nudge(step)}
}

// thresholdStep is the magnitude of v's leading digit, or a tenth of it
// when v is a power of ten (1 for 0).
func thresholdStep(v float64) float64 {
	a := math.Abs(v)
	if a == 0 {
		return 1
	}
	step := math.Pow(10, math.Floor(math.Log10(a)))
	if round(a/step) == 1 {
		step /= 10
	}
	return step
}

func round(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	return r
}

func formatNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

var strictFlip = map[parser.ItemType]parser.ItemType{parser.GTR: parser.GTE, parser.GTE: parser.GTR, parser.LSS: parser.LTE, parser.LTE: parser.LSS}

func strictnessChanges(n parser.Node) []change {
	if b, ok := n.(*parser.BinaryExpr); !ok || literalSide(b) == nil {
		return nil
	}
	return swapBinaryOp(n, strictFlip, func(b *parser.BinaryExpr, to parser.ItemType) string {
		return fmt.Sprintf("no series sits exactly on %s: %s and %s give the same verdicts", formatNum(literalSide(b).Val), b.Op, to)
	})
}

// swapBinaryOp is the change that replaces a binary expression's operator
// by its entry in table, if it has one; hint words a survivor, from the
// expression before the swap.
func swapBinaryOp(n parser.Node, table map[parser.ItemType]parser.ItemType, hint func(b *parser.BinaryExpr, to parser.ItemType) string) []change {
	b, ok := n.(*parser.BinaryExpr)
	if !ok {
		return nil
	}
	to, ok := table[b.Op]
	if !ok {
		return nil
	}
	return []change{func(n parser.Node) (parser.Node, string) {
		b := n.(*parser.BinaryExpr)
		h := hint(b, to)
		b.Op = to
		return nil, h
	}}
}

var reverse = map[parser.ItemType]parser.ItemType{
	parser.GTR: parser.LSS, parser.LSS: parser.GTR, parser.GTE: parser.LTE, parser.LTE: parser.GTE,
	parser.EQLC: parser.NEQ, parser.NEQ: parser.EQLC,
}

func comparisonChanges(n parser.Node) []change {
	return swapBinaryOp(n, reverse, func(b *parser.BinaryExpr, to parser.ItemType) string {
		return fmt.Sprintf("the tests pass with %s reversed to %s: no test checks that the rule stays silent on the other side", b.Op, to)
	})
}

func rangeChanges(n parser.Node) []change {
	m, ok := n.(*parser.MatrixSelector)
	if !ok || m.RangeExpr != nil || m.Range <= 0 {
		return nil
	}
	window := func(to func(time.Duration) time.Duration) change {
		return func(n parser.Node) (parser.Node, string) {
			m := n.(*parser.MatrixSelector)
			from := m.Range
			m.Range = to(m.Range).Truncate(time.Millisecond)
			return nil, fmt.Sprintf("no test's data tells a [%s] window from [%s]", model.Duration(from), model.Duration(m.Range))
		}
	}
	return []change{
		window(func(d time.Duration) time.Duration { return d / 5 }),
		window(func(d time.Duration) time.Duration { return d * 3 }),
	}
}

// nonNameMatchers are the indices of a selector's matchers other than its
// metric name.
func nonNameMatchers(vs *parser.VectorSelector) []int {
	var idx []int
	for i, m := range vs.LabelMatchers {
		if m.Name != labels.MetricName {
			idx = append(idx, i)
		}
	}
	return idx
}

func matcherDropChanges(n parser.Node) []change {
	vs, ok := n.(*parser.VectorSelector)
	if !ok {
		return nil
	}
	var out []change
	for _, i := range nonNameMatchers(vs) {
		out = append(out, func(n parser.Node) (parser.Node, string) {
			vs := n.(*parser.VectorSelector)
			m := vs.LabelMatchers[i]
			vs.LabelMatchers = slices.Delete(slices.Clone(vs.LabelMatchers), i, i+1)
			return nil, fmt.Sprintf("no test has a series that %s excludes", m)
		})
	}
	return out
}

var negate = map[labels.MatchType]labels.MatchType{
	labels.MatchEqual: labels.MatchNotEqual, labels.MatchNotEqual: labels.MatchEqual,
	labels.MatchRegexp: labels.MatchNotRegexp, labels.MatchNotRegexp: labels.MatchRegexp,
}

func matcherNegateChanges(n parser.Node) []change {
	vs, ok := n.(*parser.VectorSelector)
	if !ok {
		return nil
	}
	var out []change
	for _, i := range nonNameMatchers(vs) {
		out = append(out, func(n parser.Node) (parser.Node, string) {
			vs := n.(*parser.VectorSelector)
			old := vs.LabelMatchers[i]
			m, err := labels.NewMatcher(negate[old.Type], old.Name, old.Value)
			if err != nil {
				return nil, ""
			}
			vs.LabelMatchers = slices.Clone(vs.LabelMatchers)
			vs.LabelMatchers[i] = m
			return nil, fmt.Sprintf("no test has series on both sides of %s", old)
		})
	}
	return out
}

// addedWithout is the label the grouping operator adds to without (...).
const addedWithout = "instance"

func groupingChanges(n parser.Node) []change {
	a, ok := n.(*parser.AggregateExpr)
	if !ok {
		return nil
	}
	if a.Without {
		if slices.Contains(a.Grouping, addedWithout) {
			return nil
		}
		return []change{func(n parser.Node) (parser.Node, string) {
			a := n.(*parser.AggregateExpr)
			a.Grouping = append(slices.Clone(a.Grouping), addedWithout)
			return nil, "no test has two series that differ only in " + addedWithout
		}}
	}
	var out []change
	for i := range a.Grouping {
		out = append(out, func(n parser.Node) (parser.Node, string) {
			a := n.(*parser.AggregateExpr)
			l := a.Grouping[i]
			a.Grouping = slices.Delete(slices.Clone(a.Grouping), i, i+1)
			return nil, "no test has two series that differ only in " + l
		})
	}
	return out
}

var aggSwap = map[parser.ItemType]parser.ItemType{parser.SUM: parser.MAX, parser.MAX: parser.SUM}

func aggregationChanges(n parser.Node) []change {
	a, ok := n.(*parser.AggregateExpr)
	if !ok {
		return nil
	}
	to, ok := aggSwap[a.Op]
	if !ok {
		return nil
	}
	return []change{func(n parser.Node) (parser.Node, string) {
		a := n.(*parser.AggregateExpr)
		hint := fmt.Sprintf("no test has several series in one group: %s and %s agree", a.Op, to)
		a.Op = to
		return nil, hint
	}}
}

var funcSwaps = map[string][]string{"rate": {"irate", "increase"}, "irate": {"rate"}, "increase": {"rate"}}

func functionChanges(n parser.Node) []change {
	c, ok := n.(*parser.Call)
	if !ok || c.Func == nil {
		return nil
	}
	var out []change
	for _, to := range funcSwaps[c.Func.Name] {
		out = append(out, func(n parser.Node) (parser.Node, string) {
			c := n.(*parser.Call)
			from := c.Func.Name
			c.Func = parser.Functions[to]
			return nil, fmt.Sprintf("no test's data tells %s from %s", from, to)
		})
	}
	return out
}

func setChanges(n parser.Node) []change {
	b, ok := n.(*parser.BinaryExpr)
	if !ok || (b.Op != parser.LAND && b.Op != parser.LUNLESS) {
		return nil
	}
	return []change{func(n parser.Node) (parser.Node, string) {
		b := n.(*parser.BinaryExpr)
		return b.LHS, fmt.Sprintf("no test has a series that the right side of %s filters out", b.Op)
	}}
}

func durationMutator(field string) func(rulefmt.Rule, string, parser.Parser) []Mutant {
	return func(rule rulefmt.Rule, _ string, _ parser.Parser) []Mutant {
		if rule.Alert == "" {
			return nil
		}
		d := rule.For
		if field == "keep_firing_for" {
			d = rule.KeepFiringFor
		}
		if d <= 0 {
			return nil
		}
		var out []Mutant
		for _, to := range []model.Duration{d / 2, d * 2, 0} {
			m := Mutant{Field: field, Before: d.String(), After: to.String(), Rule: rule}
			if field == "for" {
				m.Rule.For = to
			} else {
				m.Rule.KeepFiringFor = to
			}
			m.Hint = durationHint(field, d, to)
			out = append(out, m)
		}
		return out
	}
}

func durationHint(field string, d, to model.Duration) string {
	lo, hi := min(d, to), max(d, to)
	if field == "keep_firing_for" {
		return fmt.Sprintf("no test checks whether the alert still fires between %s and %s after its condition ends: keep_firing_for could be %s", lo, hi, to)
	}
	if to == 0 {
		return "no test checks that the alert is pending, not firing, when its condition starts: for could be 0"
	}
	return fmt.Sprintf("no test checks the alert between %s and %s after its condition starts: for could be %s", lo, hi, to)
}

func labelDrop(rule rulefmt.Rule, _ string, _ parser.Parser) []Mutant {
	names := make([]string, 0, len(rule.Labels))
	for k := range rule.Labels {
		names = append(names, k)
	}
	slices.Sort(names)
	var out []Mutant
	for _, k := range names {
		m := Mutant{Field: "labels", Before: k + ": " + rule.Labels[k], After: "(no " + k + ")", Rule: rule}
		m.Rule.Labels = map[string]string{}
		for l, v := range rule.Labels {
			if l != k {
				m.Rule.Labels[l] = v
			}
		}
		m.Hint = fmt.Sprintf("no test checks the label %s=%q", k, rule.Labels[k])
		out = append(out, m)
	}
	return out
}

package prune

import (
	"math"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"

	"github.com/codevaldcortex/rulecheck/internal/selector"
)

// A rule decides a verdict by failing as much as by its results, so a rule
// may be skipped only when its evaluation provably cannot fail on this test
// group's data. The proof is by construction, in two cases.
//
// A rule that can select nothing (every selector names a metric that no
// input series and no rule output in this replay can carry) sees no data
// at any evaluation. Without data, an expression's evaluation is the same
// at every instant unless a parameter depends on the clock, so one
// evaluation over no data (Input.FailsOnNoData) decides whether all of them
// fail: that catches the errors that do not depend on data (an invalid
// count_values label, a NaN topk parameter from scalar() of nothing, a
// modifier the engine does not allow, a subquery over the sample limit).
//
// A rule that may see data must pass every check below; anything not on
// the list is evaluated:
//   - it writes a series nothing else writes: no other rule writes its
//     name (two recording rules writing one series fail with "duplicate
//     sample for timestamp") and no input series has it;
//   - every selector names its metric exactly, with no anchored or smoothed
//     modifier;
//   - no vector matching with on(), ignoring(), group_left or group_right,
//     no label_replace, label_join or info, no subqueries, no function
//     that validates a parameter against data;
//   - every aggregation parameter and scalar function argument is a number
//     literal that the engine accepts (a finite k within int64, a ratio
//     within [-1, 1]), and a count_values label a valid label name;
//   - its labels cannot collide with labels its results may carry;
//   - under a group limit, the series it can output are bounded below it;
//   - the samples it can load are bounded below the engine's limit, and no
//     input series holds a native histogram (the engine weighs those by
//     size, not as one sample);
//   - the engine does not drop metric names late (promql-delayed-name-
//     removal), which can make two results of an "or" collide at the end.
func (a *analysis) mightFailOn(r rules.Rule, g *rules.Group) bool {
	e := r.Query()
	bound := a.exprBound(e)
	if bound == 0 {
		if a.in.Memo.clockParams(e) {
			return true
		}
		return a.in.FailsOnNoData == nil || a.in.FailsOnNoData(r)
	}
	if a.in.Histograms || a.in.DelayedNameRemoval || a.sharesOutput(r) || !safeWithData(e) {
		return true
	}
	if a.labelsMayCollide(r, e) {
		return true
	}
	if g.Limit() > 0 && bound > g.Limit() {
		return true
	}
	return a.sampleBound(e, bound) >= a.in.MaxQuerySamples
}

// sharesOutput reports whether another rule or an input series may write
// a series the rule writes.
func (a *analysis) sharesOutput(r rules.Rule) bool {
	for _, name := range writes(r) {
		if len(a.writers[name]) > 1 && !a.alertsApart(r, name) || a.seriesKeys[name] != nil {
			return true
		}
	}
	return false
}

// alertsApart reports, for the ALERTS names, that every other alerting
// rule writing them has another alert name, so their series never meet.
func (a *analysis) alertsApart(r rules.Rule, name string) bool {
	if _, ok := r.(*rules.AlertingRule); !ok {
		return false
	}
	for _, w := range a.writers[name] {
		if _, ok := w.(*rules.AlertingRule); !ok || w != r && w.Name() == r.Name() {
			return false
		}
	}
	return true
}

// labelsMayCollide reports whether the rule's labels (or alertname) may
// overwrite a label its results carry, making two results one series.
func (a *analysis) labelsMayCollide(r rules.Rule, e parser.Expr) bool {
	keys, ok := a.exprKeys(e)
	if !ok {
		return true
	}
	collide := false
	r.Labels().Range(func(l labels.Label) {
		if keys[l.Name] {
			collide = true
		}
	})
	if _, isAlert := r.(*rules.AlertingRule); isAlert && keys[labels.AlertName] {
		collide = true
	}
	return collide
}

// safeWithData reports whether an expression is made only of constructs
// that cannot fail whatever the data (see mightFailOn).
func safeWithData(e parser.Expr) bool {
	safe := true
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			if selector.MetricName(n) == "" || n.Anchored || n.Smoothed {
				safe = false
			}
		case *parser.BinaryExpr:
			if vm := n.VectorMatching; vm != nil && (vm.On || len(vm.MatchingLabels) > 0 || vm.Card == parser.CardOneToMany || vm.Card == parser.CardManyToOne) {
				safe = false
			}
		case *parser.AggregateExpr:
			if !safeParam(n) {
				safe = false
			}
		case *parser.Call:
			if unsafeFuncs[n.Func.Name] {
				safe = false
			}
			for _, arg := range n.Args {
				if arg.Type() == parser.ValueTypeScalar && !isNumber(arg) {
					safe = false
				}
			}
		case *parser.SubqueryExpr:
			safe = false
		}
		return nil
	})
	return safe
}

// unsafeFuncs are the functions that can fail on data: they add labels
// (label_replace, label_join, info) or check their parameters only when
// they have series to work on.
var unsafeFuncs = map[string]bool{
	"label_replace": true, "label_join": true, "info": true,
	"double_exponential_smoothing": true, "holt_winters": true,
}

// safeParam reports whether an aggregation's parameter is a literal the
// engine accepts.
func safeParam(ae *parser.AggregateExpr) bool {
	switch ae.Op {
	case parser.COUNT_VALUES:
		s, ok := unwrap(ae.Param).(*parser.StringLiteral)
		return ok && model.UTF8Validation.IsValidLabelName(s.Val)
	case parser.TOPK, parser.BOTTOMK, parser.LIMITK:
		v, ok := number(ae.Param)
		return ok && !math.IsNaN(v) && math.Abs(v) < math.MaxInt64/2
	case parser.LIMIT_RATIO:
		v, ok := number(ae.Param)
		return ok && v >= -1 && v <= 1
	case parser.QUANTILE:
		return isNumber(ae.Param)
	}
	return ae.Param == nil
}

func unwrap(e parser.Expr) parser.Expr {
	for {
		switch x := e.(type) {
		case *parser.ParenExpr:
			e = x.Expr
		case *parser.StepInvariantExpr:
			e = x.Expr
		default:
			return e
		}
	}
}

func number(e parser.Expr) (float64, bool) {
	switch x := unwrap(e).(type) {
	case *parser.NumberLiteral:
		return x.Val, true
	case *parser.UnaryExpr:
		if v, ok := number(x.Expr); ok && x.Op == parser.SUB {
			return -v, true
		}
		if v, ok := number(x.Expr); ok && x.Op == parser.ADD {
			return v, true
		}
	}
	return 0, false
}

func isNumber(e parser.Expr) bool {
	_, ok := number(e)
	return ok
}

// clockFuncs are the functions whose value, without arguments, is read
// from the evaluation's time.
var clockFuncs = map[string]bool{
	"time": true, "minute": true, "hour": true, "day_of_month": true, "day_of_week": true,
	"day_of_year": true, "days_in_month": true, "month": true, "year": true,
}

// clockParams reports whether a parameter (of an aggregation or a
// function's scalar argument) reads the clock, so that an evaluation over
// no data may fail at some instants and not at others.
func clockParams(e parser.Expr) bool {
	found := false
	check := func(p parser.Expr) {
		if p == nil {
			return
		}
		parser.Inspect(p, func(n parser.Node, _ []parser.Node) error {
			if c, ok := n.(*parser.Call); ok && clockFuncs[c.Func.Name] {
				found = true
			}
			return nil
		})
	}
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.AggregateExpr:
			check(n.Param)
		case *parser.Call:
			for _, arg := range n.Args {
				if arg.Type() == parser.ValueTypeScalar {
					check(arg)
				}
			}
		}
		return nil
	})
	return found
}

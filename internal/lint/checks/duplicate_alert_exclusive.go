package checks

import (
	"math"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// exclusiveConditions tells whether two alerts never fire for the same
// series at once: each expression keeps a series only when the value of
// the same selector's series with the alert's labels lies in a range, and
// the two ranges do not meet (x > 0 and x == 0). keep_firing_for, which
// keeps an alert firing after its condition stops, voids this.
func exclusiveConditions(a, b *lint.Rule) bool {
	if a.Expr == nil || b.Expr == nil || a.Expr.AST == nil || b.Expr.AST == nil ||
		a.Raw.KeepFiringFor != 0 || b.Raw.KeepFiringFor != 0 {
		return false
	}
	ca, cb := valueConditions(a.Expr.AST), valueConditions(b.Expr.AST)
	for sel, ra := range ca {
		if rb, ok := cb[sel]; ok && ra.intersect(rb).empty() {
			return true
		}
	}
	return false
}

// valueRange is the values lo..hi, each end included or not.
type valueRange struct {
	lo, hi     float64
	loIn, hiIn bool
}

var anyValue = valueRange{lo: math.Inf(-1), hi: math.Inf(1)}

func (r valueRange) intersect(o valueRange) valueRange {
	if o.lo > r.lo || (o.lo == r.lo && !o.loIn) {
		r.lo, r.loIn = o.lo, o.loIn
	}
	if o.hi < r.hi || (o.hi == r.hi && !o.hiIn) {
		r.hi, r.hiIn = o.hi, o.hiIn
	}
	return r
}

func (r valueRange) empty() bool {
	return r.lo > r.hi || (r.lo == r.hi && !(r.loIn && r.hiIn))
}

// valueConditions finds, for an expression whose every result series
// exists only when the series of a selector with the same labels (the
// metric name aside) has a value in a range, those ranges by selector:
// "x > 0", "0 < x", and both sides of an "and" without on or ignoring.
// Anything else gives no condition.
func valueConditions(e parser.Expr) map[string]valueRange {
	switch n := lint.Unparen(e).(type) {
	case *parser.BinaryExpr:
		if n.Op == parser.LAND {
			if vm := n.VectorMatching; vm != nil && (vm.On || len(vm.MatchingLabels) > 0) {
				return nil
			}
			out := valueConditions(n.LHS)
			for sel, r := range valueConditions(n.RHS) {
				if have, ok := out[sel]; ok {
					r = r.intersect(have)
				}
				if out == nil {
					out = map[string]valueRange{}
				}
				out[sel] = r
			}
			return out
		}
		if !n.Op.IsComparisonOperator() || n.ReturnBool {
			return nil
		}
		if vs, c, ok := selectorAndNumber(n.LHS, n.RHS); ok {
			return map[string]valueRange{vs.String(): rangeOf(n.Op, c, false)}
		}
		if vs, c, ok := selectorAndNumber(n.RHS, n.LHS); ok {
			return map[string]valueRange{vs.String(): rangeOf(n.Op, c, true)}
		}
	}
	return nil
}

// selectorAndNumber matches a vector selector of one metric name and a
// number literal.
func selectorAndNumber(sel, num parser.Expr) (*parser.VectorSelector, float64, bool) {
	vs, ok := lint.Unparen(sel).(*parser.VectorSelector)
	if !ok || vs.Name == "" || vs.OriginalOffset != 0 || vs.Timestamp != nil || vs.StartOrEnd != 0 {
		return nil, 0, false
	}
	nl, ok := lint.Unparen(num).(*parser.NumberLiteral)
	if !ok {
		return nil, 0, false
	}
	return vs, nl.Val, true
}

// rangeOf is the values v with "v op c" ("c op v" when flipped).
func rangeOf(op parser.ItemType, c float64, flipped bool) valueRange {
	if flipped {
		switch op {
		case parser.GTR:
			op = parser.LSS
		case parser.LSS:
			op = parser.GTR
		case parser.GTE:
			op = parser.LTE
		case parser.LTE:
			op = parser.GTE
		}
	}
	r := anyValue
	switch op {
	case parser.EQLC:
		r = valueRange{lo: c, hi: c, loIn: true, hiIn: true}
	case parser.GTR:
		r.lo = c
	case parser.GTE:
		r.lo, r.loIn = c, true
	case parser.LSS:
		r.hi = c
	case parser.LTE:
		r.hi, r.hiIn = c, true
	}
	return r
}

package checks

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// ImpossibleComparison reports comparisons a metric's known values can
// never satisfy.
var ImpossibleComparison = register(&lint.Check{
	ID:       "promql/impossible-comparison",
	Severity: lint.Error,
	Doc: `A metric is compared with a number its values can never reach: up > 1
(up is 0 or 1), or a comparison outside the range or values the catalog
declares for the metric (range: [0, 1], values: [0, 1, 2]). The comparison
filters out every series, so an alert on it never fires. Only the metric's
own value is compared: directly, or through min, max, avg, the *_over_time
functions of the same kind, and parentheses, which keep it in range.
Compare with a value the metric can take (up == 0), or fix the catalog.`,
	Example: `- alert: TargetsDown
  expr: up > 1`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, _ []parser.Node) {
				b, ok := n.(*parser.BinaryExpr)
				if !ok || !b.Op.IsComparisonOperator() || b.Op == parser.NEQ {
					return
				}
				op, side, num := b.Op, b.LHS, lint.Unparen(b.RHS)
				if _, isNum := num.(*parser.NumberLiteral); !isNum {
					op, side, num = flip(b.Op), b.RHS, lint.Unparen(b.LHS)
				}
				c, isNum := num.(*parser.NumberLiteral)
				vs := rangeKeeping(side)
				if !isNum || vs == nil {
					return
				}
				k, ok := knownValues(p, vs)
				if !ok || k.can(op, c.Val) {
					return
				}
				p.Reportf(e.Pos(opOffset(e, b)), "%s %s %s can never be true: %s %s, so the comparison drops every series", vs, op, strconv.FormatFloat(c.Val, 'g', -1, 64), vs.Name, k)
			})
		})
	},
})

// valueSet is what values a metric takes: a range or a list.
type valueSet struct {
	lo, hi float64
	values []float64
	from   string
}

func (k valueSet) String() string {
	if k.values != nil {
		return fmt.Sprintf("takes only the values %v (%s)", k.values, k.from)
	}
	return fmt.Sprintf("is between %g and %g (%s)", k.lo, k.hi, k.from)
}

// can tells whether some value of the set satisfies "value op c".
func (k valueSet) can(op parser.ItemType, c float64) bool {
	if k.values != nil {
		return slices.ContainsFunc(k.values, func(v float64) bool { return compare(op, v, c) })
	}
	switch op {
	case parser.GTR:
		return k.hi > c
	case parser.GTE:
		return k.hi >= c
	case parser.LSS:
		return k.lo < c
	case parser.LTE:
		return k.lo <= c
	case parser.EQLC:
		return k.lo <= c && c <= k.hi
	}
	return true
}

func compare(op parser.ItemType, v, c float64) bool {
	switch op {
	case parser.GTR:
		return v > c
	case parser.GTE:
		return v >= c
	case parser.LSS:
		return v < c
	case parser.LTE:
		return v <= c
	case parser.EQLC:
		return v == c
	}
	return true
}

// flip turns "c op x" into "x op' c".
func flip(op parser.ItemType) parser.ItemType {
	switch op {
	case parser.GTR:
		return parser.LSS
	case parser.GTE:
		return parser.LTE
	case parser.LSS:
		return parser.GTR
	case parser.LTE:
		return parser.GTE
	}
	return op
}

// rangeKeeping follows an expression through what keeps a metric's value
// in its range (parentheses, min, max, avg and their _over_time forms) to
// the selector whose values it returns, if any.
func rangeKeeping(e parser.Expr) *parser.VectorSelector {
	for {
		switch n := lint.Unparen(e).(type) {
		case *parser.VectorSelector:
			return n
		case *parser.MatrixSelector:
			e = n.VectorSelector
		case *parser.AggregateExpr:
			if n.Op != parser.MIN && n.Op != parser.MAX && n.Op != parser.AVG {
				return nil
			}
			e = n.Expr
		case *parser.Call:
			switch n.Func.Name {
			case "min_over_time", "max_over_time", "avg_over_time", "last_over_time":
				e = n.Args[0]
			default:
				return nil
			}
		default:
			return nil
		}
	}
}

// knownValues is what the catalog (or Prometheus, for up) says a
// selector's metric takes.
func knownValues(p *lint.Pass, vs *parser.VectorSelector) (valueSet, bool) {
	s := p.Project.Selector(vs)
	if s.Name == "up" {
		return valueSet{values: []float64{0, 1}, from: "Prometheus writes 1 for a successful scrape, 0 otherwise"}, true
	}
	if !s.Known || s.Series.Suffix != "" || s.Series.Metric == nil {
		return valueSet{}, false
	}
	m := s.Series.Metric
	switch {
	case len(m.Values) > 0:
		return valueSet{values: m.Values, from: "values in the catalog"}, true
	case len(m.Range) == 2 && m.Range[0] <= m.Range[1]:
		return valueSet{lo: m.Range[0], hi: m.Range[1], from: "range in the catalog"}, true
	}
	return valueSet{}, false
}

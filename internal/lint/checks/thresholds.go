package checks

import (
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// threshold finds the number a node (at the end of path) is compared with:
// the nearest enclosing non-bool comparison whose other side is a number.
// above is true for > and >= with the node on the left (or < and <= with
// it on the right).
func threshold(node parser.Node, path []parser.Node) (value float64, above, ok bool) {
	child := node
	for i := len(path) - 1; i >= 0; i-- {
		switch n := path[i].(type) {
		case *parser.ParenExpr, *parser.StepInvariantExpr:
		case *parser.BinaryExpr:
			if !n.Op.IsComparisonOperator() || n.ReturnBool {
				return 0, false, false
			}
			left := n.LHS == child
			other := n.RHS
			if !left {
				other = n.LHS
			}
			num, isNum := lint.Unparen(other).(*parser.NumberLiteral)
			if !isNum {
				return 0, false, false
			}
			switch n.Op {
			case parser.GTR, parser.GTE:
				return num.Val, left, true
			case parser.LSS, parser.LTE:
				return num.Val, !left, true
			}
			return 0, false, false
		default:
			return 0, false, false
		}
		child = path[i]
	}
	return 0, false, false
}

func largest(bs []float64) float64 {
	m := bs[0]
	for _, b := range bs {
		m = max(m, b)
	}
	return m
}

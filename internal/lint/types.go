package lint

import "github.com/prometheus/prometheus/promql/parser"

// TypeOf is e.Type(), remembered for binary expressions. Prometheus
// computes a binary expression's type from both sides' types every time
// it is asked, so asking for each node of a chain of n operators
// (a/a/a/...) walks the chain n times: a 60 KB chain of 30,000 divisions
// took seconds per check that asks. Remembered, every node is typed once
// per project.
func (p *Project) TypeOf(e parser.Expr) parser.ValueType {
	switch n := e.(type) {
	case *parser.BinaryExpr:
		if t, ok := p.types.Load(n); ok {
			return t.(parser.ValueType)
		}
		t := parser.ValueTypeVector
		if p.TypeOf(n.LHS) == parser.ValueTypeScalar && p.TypeOf(n.RHS) == parser.ValueTypeScalar {
			t = parser.ValueTypeScalar
		}
		p.types.Store(n, t)
		return t
	case *parser.ParenExpr:
		return p.TypeOf(n.Expr)
	case *parser.UnaryExpr:
		return p.TypeOf(n.Expr)
	case *parser.StepInvariantExpr:
		return p.TypeOf(n.Expr)
	case nil:
		return parser.ValueTypeNone
	}
	return e.Type()
}

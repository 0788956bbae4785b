package mutation

import (
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

// change is one way to mutate a node: it changes n in place, or returns
// the node that replaces it, and says what the hint should say.
type change func(n parser.Node) (replacement parser.Node, hint string)

// exprMutator turns a function naming the changes possible at each node
// into an operator's mutate. Each mutant is made on a fresh parse of the
// expression, so mutants share no nodes.
func exprMutator(at func(n parser.Node) []change) func(rulefmt.Rule, string, parser.Parser) []Mutant {
	return func(rule rulefmt.Rule, src string, p parser.Parser) []Mutant {
		root, err := p.ParseExpr(src)
		if err != nil {
			return nil
		}
		var counts []int
		parser.Inspect(root, func(n parser.Node, _ []parser.Node) error {
			if n != nil {
				counts = append(counts, len(at(n)))
			}
			return nil
		})
		var out []Mutant
		for site, c := range counts {
			for k := range c {
				if m, ok := mutateAt(src, p, at, site, k); ok {
					m.Rule = rule
					out = append(out, m)
				}
			}
		}
		return out
	}
}

// mutateAt applies the k-th change of the site-th node (in Inspect order)
// to a fresh parse of src.
func mutateAt(src string, p parser.Parser, at func(parser.Node) []change, site, k int) (Mutant, bool) {
	root, err := p.ParseExpr(src)
	if err != nil {
		return Mutant{}, false
	}
	var target parser.Node
	var parent parser.Node
	i := 0
	parser.Inspect(root, func(n parser.Node, path []parser.Node) error {
		if n == nil || target != nil {
			return nil
		}
		if i == site {
			target = n
			if len(path) > 0 {
				parent = path[len(path)-1]
			}
		}
		i++
		return nil
	})
	changes := at(target)
	if target == nil || k >= len(changes) {
		return Mutant{}, false
	}
	repl, hint := changes[k](target)
	if repl != nil && repl != target {
		if parent == nil {
			e, ok := repl.(parser.Expr)
			if !ok {
				return Mutant{}, false
			}
			root = e
		} else if !replaceChild(parent, target, repl) {
			return Mutant{}, false
		}
	}
	return Mutant{Field: "expr", After: root.String(), Hint: hint}, true
}

// replaceChild puts repl where old is among parent's children.
func replaceChild(parent, old, repl parser.Node) bool {
	e, ok := repl.(parser.Expr)
	if !ok {
		return false
	}
	swap := func(slot *parser.Expr) bool {
		if *slot == old {
			*slot = e
			return true
		}
		return false
	}
	switch p := parent.(type) {
	case *parser.ParenExpr:
		return swap(&p.Expr)
	case *parser.UnaryExpr:
		return swap(&p.Expr)
	case *parser.BinaryExpr:
		return swap(&p.LHS) || swap(&p.RHS)
	case *parser.AggregateExpr:
		return swap(&p.Expr) || swap(&p.Param)
	case *parser.SubqueryExpr:
		return swap(&p.Expr)
	case *parser.Call:
		for i := range p.Args {
			if swap(&p.Args[i]) {
				return true
			}
		}
	case parser.Expressions:
		for i := range p {
			if swap(&p[i]) {
				return true
			}
		}
	}
	return false
}

// Package promqlparser is the PromQL parser every command of rulecheck
// uses: Prometheus's own, behind a bound on how deeply an expression can
// nest.
//
// Prometheus's parser types a chain of binary operators once per operator
// and its engine evaluates one recursively, so the time both take grows
// with the square of the nesting: a 60 KB rule `a / a / ... / a` of 15,000
// divisions takes promtool 72 s over ten evaluations, and a rule file of
// a few MB would run for days. Before an expression is parsed, its tokens
// are counted with Prometheus's lexer (linear in the text): an expression
// with more than MaxNesting operators and opening parentheses and brackets
// is refused as a parse error at the token that passes the bound.
package promqlparser

import (
	"fmt"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/parser/posrange"
)

// MaxNesting is the most operators and opening parentheses and brackets
// an expression may have. The largest of 9,416 expressions of real rule
// sets and dashboards (the monitoring mixins, kube-prometheus,
// kubernetes-mixin) has 71; an expression at the bound costs the engine
// about 0.1 s per evaluation.
const MaxNesting = 2000

// New returns Prometheus's parser with the options, with ParseExpr
// refusing expressions beyond MaxNesting.
func New(opts parser.Options) parser.Parser {
	return bounded{parser.NewParser(opts)}
}

type bounded struct {
	parser.Parser
}

func (b bounded) ParseExpr(input string) (parser.Expr, error) {
	if err := Check(input); err != nil {
		return nil, err
	}
	return b.Parser.ParseExpr(input)
}

// Check returns a *parser.ParseErr when the expression has more than
// MaxNesting operators and opening parentheses and brackets, at the token
// that passes the bound; nil otherwise (whether or not the expression
// parses).
func Check(input string) error {
	l := parser.Lex(input)
	var it parser.Item
	n := 0
	for {
		l.NextItem(&it)
		switch {
		case it.Typ == parser.EOF || it.Typ == parser.ERROR:
			return nil
		case it.Typ.IsOperator(), it.Typ == parser.LEFT_PAREN, it.Typ == parser.LEFT_BRACKET:
			n++
			if n > MaxNesting {
				return &parser.ParseErr{
					PositionRange: posrange.PositionRange{Start: it.Pos, End: it.Pos + posrange.Pos(len(it.Val))},
					Err:           fmt.Errorf("more than %d operators, parentheses and brackets in one expression: refusing to parse it (the time Prometheus takes to parse and evaluate an expression grows with the square of its nesting)", MaxNesting),
					Query:         input,
				}
			}
		}
	}
}

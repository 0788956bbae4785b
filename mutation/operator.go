// Package mutation holds mutation operators for Prometheus rules and the
// run that tells, for each mutant, whether some test notices it.
//
// A mutant is a rule with one small change (a threshold nudged, a `for`
// halved, a matcher dropped). It is killed when some test group that loads
// the rule fails on it, and survives when all pass: a survivor is a change
// the tests cannot tell from the rule as written. Expressions are changed on
// the PromQL parser's own syntax tree and printed with its String();
// mutants that do not parse again, or print as the original does, are
// dropped.
package mutation

import (
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

// Operator makes mutants of a rule.
type Operator struct {
	// Name is how the operator is named on the command line and in reports.
	Name string
	// Doc says what the operator changes and what a survivor means.
	Doc string
	// Example is an original and one of its mutants.
	Example [2]string
	// mutate returns the operator's mutants of the rule, whose expression
	// parses as expr (unfiltered: the caller drops the ones that do not
	// parse or change nothing).
	mutate func(rule rulefmt.Rule, src string, p parser.Parser) []Mutant
}

// Mutant is one changed rule.
type Mutant struct {
	// Operator is the name of the operator that made it.
	Operator string `json:"operator"`
	// Field is what changed: "expr", "for", "keep_firing_for" or
	// "labels".
	Field string `json:"field"`
	// Before and After are the changed field as written and as mutated
	// (an expression printed by the PromQL parser).
	Before string `json:"before"`
	After  string `json:"after"`
	// Rule is the mutated rule.
	Rule rulefmt.Rule `json:"-"`
	// Hint says which test is missing when the mutant survives.
	Hint string `json:"hint"`
}

// Operators returns every operator, in the order reports list them.
func Operators() []Operator { return slices.Clone(operators) }

// Select returns the operators with the given names, in the order of
// Operators, and the names that name none.
func Select(names []string) (ops []Operator, unknown []string) {
	want := map[string]bool{}
	for _, n := range names {
		want[strings.TrimSpace(n)] = true
	}
	for _, op := range operators {
		if want[op.Name] {
			ops = append(ops, op)
			delete(want, op.Name)
		}
	}
	for n := range want {
		unknown = append(unknown, n)
	}
	slices.Sort(unknown)
	return ops, unknown
}

// Generate returns the mutants of rule made by ops, in operator order, each
// distinct from the original and from the others; mutated expressions
// parse. A rule whose expression does not parse has none.
func Generate(rule rulefmt.Rule, ops []Operator, p parser.Parser) []Mutant {
	orig, err := p.ParseExpr(rule.Expr)
	if err != nil {
		return nil
	}
	src := orig.String()
	seen := map[string]bool{}
	var out []Mutant
	for _, op := range ops {
		for _, m := range op.mutate(rule, src, p) {
			m.Operator = op.Name
			if m.Field == "expr" {
				e, err := p.ParseExpr(m.After)
				if err != nil || e.String() == src {
					continue
				}
				m.Before = src
				m.Rule.Expr = m.After
			}
			key := m.Field + "\x00" + m.After
			if m.Before == m.After || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, m)
		}
	}
	return out
}

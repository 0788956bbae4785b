package lint

import (
	"maps"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"
)

// ValueLabel is a label of an expression's result whose value is a sample
// value, so that it changes whenever the value does: count_values sets
// one, and label_replace or label_join copy one into another label.
type ValueLabel struct {
	// CountValues is the count_values aggregation that sets the label's
	// value (or the value of the label it was copied from).
	CountValues *parser.AggregateExpr
	// Recorded is the recording rule whose expression holds CountValues,
	// nil when it is in the expression itself.
	Recorded *Rule
}

// ValueLabels finds the labels of an expression's result whose values are
// sample values, known from the expression and the recording rules it
// reads: a count_values label, kept by the aggregations, functions and
// binary operations on the way to the result, and labels label_replace or
// label_join fill from it.
func (p *Project) ValueLabels(e parser.Expr) map[string]ValueLabel {
	return p.valueLabels(e, map[string]bool{})
}

func (p *Project) valueLabels(e parser.Expr, visiting map[string]bool) map[string]ValueLabel {
	switch n := e.(type) {
	case *parser.VectorSelector:
		return p.recordedValueLabels(n, visiting)
	case *parser.MatrixSelector:
		return p.valueLabels(n.VectorSelector, visiting)
	case *parser.SubqueryExpr:
		return p.valueLabels(n.Expr, visiting)
	case *parser.ParenExpr:
		return p.valueLabels(n.Expr, visiting)
	case *parser.StepInvariantExpr:
		return p.valueLabels(n.Expr, visiting)
	case *parser.UnaryExpr:
		return p.valueLabels(n.Expr, visiting)
	case *parser.AggregateExpr:
		return p.aggregateValueLabels(n, visiting)
	case *parser.BinaryExpr:
		return p.binaryValueLabels(n, visiting)
	case *parser.Call:
		return p.callValueLabels(n, visiting)
	}
	return nil
}

// recordedValueLabels are the value labels of the recording rules that
// write the selected metric, less those a rule's own labels overwrite.
func (p *Project) recordedValueLabels(vs *parser.VectorSelector, visiting map[string]bool) map[string]ValueLabel {
	var out map[string]ValueLabel
	for _, r := range p.Recorded(vs.Name) {
		if vs.Name == "" || visiting[r.Name] || r.Expr == nil || r.Expr.AST == nil {
			continue
		}
		visiting[r.Name] = true
		in := p.valueLabels(r.Expr.AST, visiting)
		delete(visiting, r.Name)
		for l, v := range in {
			if _, set := r.Raw.Labels[l]; set {
				continue
			}
			if v.Recorded == nil {
				v.Recorded = r
			}
			out = addValueLabel(out, l, v)
		}
	}
	return out
}

func (p *Project) aggregateValueLabels(n *parser.AggregateExpr, visiting map[string]bool) map[string]ValueLabel {
	in := p.valueLabels(n.Expr, visiting)
	switch n.Op {
	case parser.TOPK, parser.BOTTOMK, parser.LIMITK, parser.LIMIT_RATIO:
		return in
	}
	var out map[string]ValueLabel
	for l, v := range in {
		if n.Without != slices.Contains(n.Grouping, l) {
			out = addValueLabel(out, l, v)
		}
	}
	if n.Op == parser.COUNT_VALUES {
		if sl, ok := unparen(n.Param).(*parser.StringLiteral); ok {
			out = addValueLabel(out, sl.Val, ValueLabel{CountValues: n})
		}
	}
	return out
}

func (p *Project) binaryValueLabels(n *parser.BinaryExpr, visiting map[string]bool) map[string]ValueLabel {
	lt, rt := p.TypeOf(n.LHS), p.TypeOf(n.RHS)
	switch {
	case lt == parser.ValueTypeScalar && rt == parser.ValueTypeScalar:
		return nil
	case lt == parser.ValueTypeScalar:
		return p.valueLabels(n.RHS, visiting)
	case rt == parser.ValueTypeScalar:
		return p.valueLabels(n.LHS, visiting)
	}
	vm := n.VectorMatching
	if vm == nil {
		vm = &parser.VectorMatching{Card: parser.CardOneToOne}
	}
	lhs := p.valueLabels(n.LHS, visiting)
	switch n.Op {
	case parser.LAND, parser.LUNLESS:
		return lhs
	case parser.LOR:
		out := maps.Clone(lhs)
		for l, v := range p.valueLabels(n.RHS, visiting) {
			out = addValueLabel(out, l, v)
		}
		return out
	}
	switch vm.Card {
	case parser.CardManyToOne:
		return withIncluded(lhs, p.valueLabels(n.RHS, visiting), vm.Include)
	case parser.CardOneToMany:
		return withIncluded(p.valueLabels(n.RHS, visiting), lhs, vm.Include)
	}
	var out map[string]ValueLabel
	for l, v := range lhs {
		if vm.On == slices.Contains(vm.MatchingLabels, l) {
			out = addValueLabel(out, l, v)
		}
	}
	return out
}

// withIncluded is the "many" side's value labels with the group_left or
// group_right labels copied from the "one" side: those are the one side's
// (a value label there stays one), whatever the many side had.
func withIncluded(many, one map[string]ValueLabel, include []string) map[string]ValueLabel {
	out := maps.Clone(many)
	for _, l := range include {
		delete(out, l)
		if v, ok := one[l]; ok {
			out = addValueLabel(out, l, v)
		}
	}
	return out
}

func (p *Project) callValueLabels(n *parser.Call, visiting map[string]bool) map[string]ValueLabel {
	if n.Func.ReturnType != parser.ValueTypeVector && n.Func.ReturnType != parser.ValueTypeMatrix {
		return nil
	}
	switch n.Func.Name {
	case "absent", "absent_over_time", "vector":
		return nil
	case "histogram_quantile":
		if len(n.Args) > 1 {
			out := maps.Clone(p.valueLabels(n.Args[1], visiting))
			delete(out, "le")
			return out
		}
		return nil
	case "label_replace":
		return p.labelReplaceValueLabels(n, visiting)
	case "label_join":
		return p.labelJoinValueLabels(n, visiting)
	}
	for _, a := range n.Args {
		if t := p.TypeOf(a); t == parser.ValueTypeVector || t == parser.ValueTypeMatrix {
			return p.valueLabels(a, visiting)
		}
	}
	return nil
}

// labelReplaceValueLabels: label_replace(v, dst, replacement, src, regex)
// fills dst from src when the replacement refers to the regex's groups; a
// dst set to a constant is no value label any more (where the regex does
// not match, dst keeps its value: not reported, as it is not known).
func (p *Project) labelReplaceValueLabels(n *parser.Call, visiting map[string]bool) map[string]ValueLabel {
	if len(n.Args) != 5 {
		return nil
	}
	in := maps.Clone(p.valueLabels(n.Args[0], visiting))
	dst, ok1 := stringArg(n.Args[1])
	repl, ok2 := stringArg(n.Args[2])
	src, ok3 := stringArg(n.Args[3])
	if !ok1 || !ok2 || !ok3 {
		return in
	}
	from, isValue := in[src]
	delete(in, dst)
	if isValue && strings.Contains(repl, "$") {
		in = addValueLabel(in, dst, from)
	}
	return in
}

// labelJoinValueLabels: label_join(v, dst, sep, src...) sets dst from the
// sources, a value label when one of them is.
func (p *Project) labelJoinValueLabels(n *parser.Call, visiting map[string]bool) map[string]ValueLabel {
	if len(n.Args) < 3 {
		return nil
	}
	in := maps.Clone(p.valueLabels(n.Args[0], visiting))
	dst, ok := stringArg(n.Args[1])
	if !ok {
		return in
	}
	var from *ValueLabel
	for _, a := range n.Args[3:] {
		if src, ok := stringArg(a); ok && from == nil {
			if v, isValue := in[src]; isValue {
				from = &v
			}
		}
	}
	delete(in, dst)
	if from != nil {
		in = addValueLabel(in, dst, *from)
	}
	return in
}

func stringArg(e parser.Expr) (string, bool) {
	sl, ok := unparen(e).(*parser.StringLiteral)
	if !ok {
		return "", false
	}
	return sl.Val, true
}

func addValueLabel(m map[string]ValueLabel, l string, v ValueLabel) map[string]ValueLabel {
	if m == nil {
		m = map[string]ValueLabel{}
	}
	if _, ok := m[l]; !ok {
		m[l] = v
	}
	return m
}

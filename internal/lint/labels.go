package lint

import (
	"iter"
	"sort"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/selector"
)

// LabelSet is what an expression's result series can carry: the label
// names it certainly may carry, and whether it may carry others the
// analysis cannot know (an unknown metric, info(), ...). Gone are the
// names an open set certainly lacks: those an aggregation's without (...)
// or a one-to-one match's ignoring (...) removed.
type LabelSet struct {
	Names map[string]bool
	Open  bool
	Gone  map[string]bool
}

func newLabelSet(names ...string) LabelSet {
	s := LabelSet{Names: map[string]bool{}}
	for _, n := range names {
		s.Names[n] = true
	}
	return s
}

// Lacks tells whether the result certainly cannot carry label l.
func (s LabelSet) Lacks(l string) bool { return s.Gone[l] || (!s.Open && !s.Names[l]) }

// Sorted returns the names, sorted.
func (s LabelSet) Sorted() []string {
	out := make([]string, 0, len(s.Names))
	for n := range s.Names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// String lists the names, "..." when open.
func (s LabelSet) String() string {
	out := s.Sorted()
	if s.Open {
		out = append(out, "...")
	}
	if len(out) == 0 {
		return "no labels"
	}
	return strings.Join(out, ", ")
}

func (s LabelSet) clone() LabelSet {
	c := LabelSet{Names: make(map[string]bool, len(s.Names)), Open: s.Open}
	for n := range s.Names {
		c.Names[n] = true
	}
	if s.Open && len(s.Gone) > 0 {
		c.Gone = make(map[string]bool, len(s.Gone))
		for n := range s.Gone {
			c.Gone[n] = true
		}
	}
	return c
}

// without removes names; an open set remembers that it lacks them.
func (s LabelSet) without(names ...string) LabelSet {
	c := s.clone()
	for _, n := range names {
		delete(c.Names, n)
		if c.Open {
			if c.Gone == nil {
				c.Gone = map[string]bool{}
			}
			c.Gone[n] = true
		}
	}
	return c
}

func (s LabelSet) with(names ...string) LabelSet {
	c := s.clone()
	for _, n := range names {
		c.Names[n] = true
		delete(c.Gone, n)
	}
	return c
}

// union is what either of two sets can carry.
func (s LabelSet) union(o LabelSet) LabelSet {
	out := s.with(o.Sorted()...)
	out.Open = s.Open || o.Open
	out.Gone = nil
	for n := range s.Gone {
		if o.Lacks(n) {
			if out.Gone == nil {
				out.Gone = map[string]bool{}
			}
			out.Gone[n] = true
		}
	}
	for n := range o.Gone {
		if s.Lacks(n) {
			if out.Gone == nil {
				out.Gone = map[string]bool{}
			}
			out.Gone[n] = true
		}
	}
	if !out.Open {
		out.Gone = nil
	}
	return out
}

// keep keeps only names; names that an open set may carry are kept too.
func (s LabelSet) keep(names ...string) LabelSet {
	c := newLabelSet()
	for _, n := range names {
		if s.Names[n] || (s.Open && !s.Gone[n]) {
			c.Names[n] = true
		}
	}
	return c
}

// Selector is what a vector selector selects, as far as the catalog and
// the linted recording rules tell.
type Selector struct {
	VS   *parser.VectorSelector
	Name string
	// Series is the catalog's entry; Known is false when the catalog does
	// not know the name.
	Series catalog.Series
	Known  bool
	// RecordedBy are the recording rules that write the name.
	RecordedBy []*Rule
	// Jobs are the values of job="..." matchers (or of job=~"a|b").
	Jobs []string
}

// Selector resolves a vector selector.
func (p *Project) Selector(vs *parser.VectorSelector) Selector {
	s := Selector{VS: vs, Name: selector.MetricName(vs)}
	if s.Name == "" {
		return s
	}
	s.RecordedBy = p.recorded[s.Name]
	s.Series, s.Known = p.Catalog.Lookup(s.Name)
	if p.Catalog == nil {
		s.Known = false
	}
	for _, m := range vs.LabelMatchers {
		if m.Name != "job" {
			continue
		}
		switch m.Type {
		case labels.MatchEqual:
			s.Jobs = append(s.Jobs, m.Value)
		case labels.MatchRegexp:
			if vals := m.SetMatches(); len(vals) > 0 {
				s.Jobs = append(s.Jobs, vals...)
			}
		}
	}
	return s
}

// Labels computes the labels an expression's result can carry.
func (p *Project) Labels(e parser.Expr) LabelSet {
	return p.labels(e, map[string]bool{})
}

func (p *Project) selectorLabels(vs *parser.VectorSelector, visiting map[string]bool) LabelSet {
	s := p.Selector(vs)
	switch {
	case len(s.RecordedBy) > 0:
		out, first := newLabelSet(), true
		for _, r := range s.RecordedBy {
			if visiting[r.Name] || r.Expr == nil || r.Expr.AST == nil {
				out.Open, out.Gone, first = true, nil, false
				continue
			}
			visiting[r.Name] = true
			ls := p.labels(r.Expr.AST, visiting)
			delete(visiting, r.Name)
			for k := range r.Raw.Labels {
				ls = ls.with(k)
			}
			if first {
				out, first = ls, false
			} else {
				out = out.union(ls)
			}
		}
		return out
	case s.Known:
		names, open := p.Catalog.Labels(s.Series)
		out := newLabelSet(names...)
		out.Open = open
		return out
	}
	return LabelSet{Names: map[string]bool{}, Open: true}
}

func (p *Project) labels(e parser.Expr, visiting map[string]bool) LabelSet {
	switch n := e.(type) {
	case *parser.VectorSelector:
		return p.selectorLabels(n, visiting)
	case *parser.MatrixSelector:
		return p.labels(n.VectorSelector, visiting)
	case *parser.SubqueryExpr:
		return p.labels(n.Expr, visiting)
	case *parser.ParenExpr:
		return p.labels(n.Expr, visiting)
	case *parser.StepInvariantExpr:
		return p.labels(n.Expr, visiting)
	case *parser.UnaryExpr:
		return p.labels(n.Expr, visiting)
	case *parser.NumberLiteral, *parser.StringLiteral:
		return newLabelSet()
	case *parser.AggregateExpr:
		in := p.labels(n.Expr, visiting)
		switch n.Op {
		case parser.TOPK, parser.BOTTOMK, parser.LIMITK, parser.LIMIT_RATIO:
			return in
		}
		var out LabelSet
		if n.Without {
			out = in.without(n.Grouping...)
		} else {
			out = in.keep(n.Grouping...)
		}
		if n.Op == parser.COUNT_VALUES {
			if sl, ok := unparen(n.Param).(*parser.StringLiteral); ok {
				out = out.with(sl.Val)
			}
		}
		return out
	case *parser.BinaryExpr:
		lt, rt := p.TypeOf(n.LHS), p.TypeOf(n.RHS)
		switch {
		case lt == parser.ValueTypeScalar && rt == parser.ValueTypeScalar:
			return newLabelSet()
		case lt == parser.ValueTypeScalar:
			return p.labels(n.RHS, visiting)
		case rt == parser.ValueTypeScalar:
			return p.labels(n.LHS, visiting)
		}
		vm := n.VectorMatching
		if vm == nil {
			vm = &parser.VectorMatching{Card: parser.CardOneToOne}
		}
		switch n.Op {
		case parser.LAND, parser.LUNLESS:
			return p.labels(n.LHS, visiting)
		case parser.LOR:
			return p.labels(n.LHS, visiting).union(p.labels(n.RHS, visiting))
		}
		switch vm.Card {
		case parser.CardManyToOne:
			return p.labels(n.LHS, visiting).with(vm.Include...)
		case parser.CardOneToMany:
			return p.labels(n.RHS, visiting).with(vm.Include...)
		}
		l := p.labels(n.LHS, visiting)
		if vm.On {
			return l.keep(vm.MatchingLabels...)
		}
		return l.without(vm.MatchingLabels...)
	case *parser.Call:
		return p.callLabels(n, visiting)
	}
	return LabelSet{Names: map[string]bool{}, Open: true}
}

func (p *Project) callLabels(n *parser.Call, visiting map[string]bool) LabelSet {
	name := n.Func.Name
	switch name {
	case "absent", "absent_over_time":
		// absent() returns one series with the labels of the argument's
		// equality matchers.
		out := newLabelSet()
		if len(n.Args) > 0 {
			var vs *parser.VectorSelector
			switch a := unparen(n.Args[0]).(type) {
			case *parser.VectorSelector:
				vs = a
			case *parser.MatrixSelector:
				vs, _ = a.VectorSelector.(*parser.VectorSelector)
			}
			if vs != nil {
				for _, m := range vs.LabelMatchers {
					if m.Type == labels.MatchEqual && m.Name != labels.MetricName {
						out.Names[m.Name] = true
					}
				}
			}
		}
		return out
	case "histogram_quantile":
		if len(n.Args) > 1 {
			return p.labels(n.Args[1], visiting).without("le")
		}
	case "label_replace", "label_join":
		if len(n.Args) > 1 {
			in := p.labels(n.Args[0], visiting)
			if sl, ok := unparen(n.Args[1]).(*parser.StringLiteral); ok {
				return in.with(sl.Val)
			}
			in.Open = true
			return in
		}
	case "info":
		if len(n.Args) > 0 {
			in := p.labels(n.Args[0], visiting)
			in.Open = true
			return in
		}
	}
	if n.Func.ReturnType == parser.ValueTypeScalar || n.Func.ReturnType == parser.ValueTypeString {
		return newLabelSet()
	}
	for _, a := range n.Args {
		if t := p.TypeOf(a); t == parser.ValueTypeVector || t == parser.ValueTypeMatrix {
			return p.labels(a, visiting)
		}
	}
	// vector(), time()-like functions returning a vector without labels.
	return newLabelSet()
}

func unparen(e parser.Expr) parser.Expr {
	for {
		switch n := e.(type) {
		case *parser.ParenExpr:
			e = n.Expr
		case *parser.StepInvariantExpr:
			e = n.Expr
		default:
			return e
		}
	}
}

// Unparen strips parentheses.
func Unparen(e parser.Expr) parser.Expr { return unparen(e) }

// Inspect calls fn for every node of e with its ancestors, outermost
// first; the path slice must not be kept.
func Inspect(e parser.Expr, fn func(n parser.Node, path []parser.Node)) {
	if e == nil {
		return
	}
	parser.Inspect(e, func(n parser.Node, path []parser.Node) error {
		fn(n, path)
		return nil
	})
}

// Selectors returns every vector selector of e with its ancestors. The
// ancestors are parent links shared by all selectors, so a deep
// expression (a 60 KB chain of 8,000 divisions is 8,000 levels deep) costs
// one link per node rather than one copy of the path per selector.
func Selectors(e parser.Expr) []SelectorPath {
	var out []SelectorPath
	var stack []*ancestor
	Inspect(e, func(n parser.Node, path []parser.Node) {
		if n == nil {
			return // the end of a node's children
		}
		// Inspect visits every node before its children, so the links
		// of the path are the first len(path) of the stack.
		stack = stack[:len(path)]
		var up *ancestor
		if len(stack) > 0 {
			up = stack[len(stack)-1]
		}
		if vs, ok := n.(*parser.VectorSelector); ok {
			out = append(out, SelectorPath{VS: vs, up: up})
		}
		stack = append(stack, &ancestor{node: n, up: up})
	})
	return out
}

// SelectorPath is a vector selector with its ancestors.
type SelectorPath struct {
	VS *parser.VectorSelector
	up *ancestor
}

type ancestor struct {
	node parser.Node
	up   *ancestor
}

// Ancestors yields the selector's ancestors, innermost first.
func (sp SelectorPath) Ancestors() iter.Seq[parser.Node] {
	return func(yield func(parser.Node) bool) {
		for a := sp.up; a != nil; a = a.up {
			if !yield(a.node) {
				return
			}
		}
	}
}

// Innermost yields a path's nodes (outermost first, as Inspect gives
// them) innermost first.
func Innermost(path []parser.Node) iter.Seq[parser.Node] {
	return func(yield func(parser.Node) bool) {
		for i := len(path) - 1; i >= 0; i-- {
			if !yield(path[i]) {
				return
			}
		}
	}
}

// SortedWithout returns the names but the given ones, sorted.
func (s LabelSet) SortedWithout(names ...string) []string {
	return s.without(names...).Sorted()
}

package catalog

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/codevaldcortex/rulecheck/position"
)

const (
	clientGolangPkg = "github.com/prometheus/client_golang/prometheus"
	promautoPkg     = "github.com/prometheus/client_golang/prometheus/promauto"
)

// constructors maps client_golang's constructors to the type they create
// and whether they take label names.
var constructors = map[string]struct {
	typ Type
	vec bool
}{
	"NewCounter":      {Counter, false},
	"NewCounterVec":   {Counter, true},
	"NewCounterFunc":  {Counter, false},
	"NewGauge":        {Gauge, false},
	"NewGaugeVec":     {Gauge, true},
	"NewGaugeFunc":    {Gauge, false},
	"NewHistogram":    {Histogram, false},
	"NewHistogramVec": {Histogram, true},
	"NewSummary":      {Summary, false},
	"NewSummaryVec":   {Summary, true},
	"NewUntypedFunc":  {Untyped, false},
}

// Warning is a problem found in a metric definition that does not stop the
// catalog from being built.
type Warning struct {
	position.Range
	Msg string
}

func (w Warning) String() string { return w.Range.String() + ": " + w.Msg }

// FromGo reads the metrics that Go source defines with client_golang:
// calls of prometheus.New* and promauto.New* (also promauto.With(r).New*),
// with the name built from the options' Namespace, Subsystem and Name as
// prometheus.BuildFQName does, the help text, the label names of the
// []string argument of *Vec constructors plus the ConstLabels keys, and the
// type from the constructor. Strings may be literals, concatenations and
// constants or variables declared in the same file. The file does not have
// to compile: it is only parsed.
func FromGo(path string, src []byte) (*Catalog, []Warning, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, err
	}
	r := &goReader{fset: fset, file: filepath.Base(path), consts: map[string]ast.Expr{}, defined: map[string]position.Range{}, evaluating: map[string]bool{}, strMemo: map[string]string{}}
	r.pkgs = map[string]bool{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if p != clientGolangPkg && p != promautoPkg {
			continue
		}
		name := filepath.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		r.pkgs[name] = true
	}
	if len(r.pkgs) == 0 {
		return nil, nil, fmt.Errorf("%s: does not import %s", path, clientGolangPkg)
	}
	// Package-level constants and variables, for names and label lists
	// written as identifiers.
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || (gd.Tok != token.CONST && gd.Tok != token.VAR) {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i < len(vs.Values) {
					r.consts[n.Name] = vs.Values[i]
				}
			}
		}
	}
	c := &Catalog{}
	// The variable each constructor call is assigned to, for the source.
	varNames := map[ast.Expr]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for i, v := range n.Values {
				if i < len(n.Names) {
					varNames[v] = n.Names[i].Name
				}
			}
		case *ast.AssignStmt:
			for i, v := range n.Rhs {
				if id, ok := n.Lhs[min(i, len(n.Lhs)-1)].(*ast.Ident); ok {
					varNames[v] = id.Name
				}
			}
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if m := r.metric(call, varNames[call]); m != nil {
				c.Metrics = append(c.Metrics, *m)
				return false
			}
		}
		return true
	})
	if r.err != nil {
		return nil, r.warnings, r.err
	}
	if err := c.Validate(); err != nil {
		return nil, r.warnings, fmt.Errorf("%s: %w", path, err)
	}
	return c, append(r.warnings, r.typeWarnings(c)...), nil
}

type goReader struct {
	fset     *token.FileSet
	file     string
	pkgs     map[string]bool
	consts   map[string]ast.Expr
	warnings []Warning
	defined  map[string]position.Range // where each metric is defined

	// Constant evaluation: the constants being evaluated (to find
	// cycles), the values of those evaluated, and the first fatal error.
	evaluating map[string]bool
	strMemo    map[string]string
	depth      int
	err        error
}

// MaxConstString is the longest string constant evaluated; a longer one
// (a chain of constants doubling a name) is an error.
const MaxConstString = 64 << 10

// maxConstDepth bounds how deep constant definitions and expressions are
// followed, so evaluation never needs a deep stack.
const maxConstDepth = 1000

// fail records the first fatal error, at n.
func (r *goReader) fail(n ast.Node, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: %s", r.rangeOf(n), fmt.Sprintf(format, args...))
	}
}

// constant returns the value expression of a package-level constant or
// variable named by e, marking it as being evaluated until done is called;
// a constant met again while it is evaluated is a cycle, a fatal error.
func (r *goReader) constant(e ast.Expr) (v ast.Expr, name string, done func(), ok bool) {
	id, isID := e.(*ast.Ident)
	if !isID {
		return nil, "", nil, false
	}
	v, ok = r.consts[id.Name]
	if !ok {
		return nil, "", nil, false
	}
	if r.evaluating[id.Name] {
		r.fail(id, "constant %s is defined in terms of itself", id.Name)
		return nil, "", nil, false
	}
	if len(r.evaluating) >= maxConstDepth {
		r.fail(id, "constants defined in terms of each other more than %d deep", maxConstDepth)
		return nil, "", nil, false
	}
	r.evaluating[id.Name] = true
	return v, id.Name, func() { delete(r.evaluating, id.Name) }, true
}

func (r *goReader) pos(n ast.Node) string {
	p := r.fset.Position(n.Pos())
	return fmt.Sprintf("%s:%d", r.file, p.Line)
}

func (r *goReader) rangeOf(n ast.Node) position.Range {
	p, e := r.fset.Position(n.Pos()), r.fset.Position(n.End())
	return position.Range{File: r.file, Line: p.Line, Column: p.Column, EndLine: e.Line, EndColumn: e.Column}
}

func (r *goReader) warn(n ast.Node, format string, args ...any) {
	r.warnings = append(r.warnings, Warning{Range: r.rangeOf(n), Msg: fmt.Sprintf(format, args...)})
}

// isClientCall tells whether fun is pkg.Name or promauto.With(...).Name with
// pkg one of the client_golang imports.
func (r *goReader) isClientCall(fun ast.Expr) (string, bool) {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	switch x := sel.X.(type) {
	case *ast.Ident:
		return sel.Sel.Name, r.pkgs[x.Name]
	case *ast.CallExpr:
		if inner, ok := x.Fun.(*ast.SelectorExpr); ok && inner.Sel.Name == "With" {
			if id, ok := inner.X.(*ast.Ident); ok && r.pkgs[id.Name] {
				return sel.Sel.Name, true
			}
		}
	}
	return "", false
}

func (r *goReader) metric(call *ast.CallExpr, varName string) *Metric {
	name, ok := r.isClientCall(call.Fun)
	if !ok {
		return nil
	}
	ctor, ok := constructors[name]
	if !ok || len(call.Args) == 0 {
		return nil
	}
	opts, ok := call.Args[0].(*ast.CompositeLit)
	if !ok {
		if u, isU := call.Args[0].(*ast.UnaryExpr); isU && u.Op == token.AND {
			opts, ok = u.X.(*ast.CompositeLit)
		}
	}
	if !ok {
		r.warn(call, "%s: options are not a composite literal; skipped", name)
		return nil
	}
	m := &Metric{Type: ctor.typ, Source: r.pos(call)}
	if varName != "" {
		m.Source += " (" + varName + ")"
	}
	var ns, sub, base string
	for _, el := range opts.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, _ := kv.Key.(*ast.Ident)
		if key == nil {
			continue
		}
		switch key.Name {
		case "Name":
			base = r.str(kv.Value)
		case "Namespace":
			ns = r.str(kv.Value)
		case "Subsystem":
			sub = r.str(kv.Value)
		case "Help":
			m.Help = r.str(kv.Value)
		case "ConstLabels":
			if cl, ok := r.resolve(kv.Value).(*ast.CompositeLit); ok {
				for _, e := range cl.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						m.Labels = append(m.Labels, r.str(kv.Key))
					}
				}
			}
		case "NativeHistogramBucketFactor":
			m.NativeHistogram = true
		case "Buckets":
			m.Buckets = r.buckets(kv.Value)
		}
	}
	if ctor.typ == Histogram && m.Buckets == nil && !hasKey(opts, "Buckets") {
		m.Buckets = defBuckets
	}
	if base == "" {
		r.warn(call, "%s without a Name; skipped", name)
		return nil
	}
	m.Name = buildFQName(ns, sub, base)
	if _, ok := r.defined[m.Name]; !ok {
		r.defined[m.Name] = r.rangeOf(call)
	}
	if ctor.vec && len(call.Args) > 1 {
		m.Labels = append(r.strs(call.Args[1]), m.Labels...)
	}
	return m
}

func buildFQName(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "_")
}

func (r *goReader) resolve(e ast.Expr) ast.Expr {
	for range 10 {
		id, ok := e.(*ast.Ident)
		if !ok {
			return e
		}
		v, ok := r.consts[id.Name]
		if !ok {
			return e
		}
		e = v
	}
	return e
}

// str evaluates a string expression: literals, + concatenations and
// identifiers of package-level constants.
func (r *goReader) str(e ast.Expr) string {
	if r.err != nil {
		return ""
	}
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > 2*maxConstDepth {
		r.fail(e, "string expression nested more than %d deep", 2*maxConstDepth)
		return ""
	}
	if v, name, done, ok := r.constant(e); ok {
		if s, ok := r.strMemo[name]; ok {
			done()
			return s
		}
		s := r.str(v)
		done()
		r.strMemo[name] = s
		return s
	}
	if r.err != nil {
		return ""
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			if err == nil {
				return s
			}
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			x, y := r.str(e.X), r.str(e.Y)
			if len(x)+len(y) > MaxConstString {
				r.fail(e, "string constant longer than %d bytes", MaxConstString)
				return ""
			}
			return x + y
		}
	case *ast.ParenExpr:
		return r.str(e.X)
	}
	r.warn(e, "cannot evaluate %s as a string constant", exprString(e))
	return ""
}

func (r *goReader) strs(e ast.Expr) []string {
	cl, ok := r.resolve(e).(*ast.CompositeLit)
	if !ok {
		if id, isID := e.(*ast.Ident); isID && id.Name == "nil" {
			return nil
		}
		r.warn(e, "cannot evaluate label names %s", exprString(e))
		return nil
	}
	var out []string
	for _, el := range cl.Elts {
		out = append(out, r.str(el))
	}
	return out
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.CallExpr:
		return exprString(e.Fun) + "(...)"
	}
	return fmt.Sprintf("%T", e)
}

// typeWarnings flags definitions whose name contradicts their type, as the
// Prometheus naming conventions define them.
func (r *goReader) typeWarnings(c *Catalog) []Warning {
	var out []Warning
	for _, m := range c.Metrics {
		switch {
		case m.Type != Counter && strings.HasSuffix(m.Name, "_total"):
			out = append(out, Warning{Range: r.defined[m.Name], Msg: fmt.Sprintf("%s is a %s but has a counter's _total suffix: rate() and increase() over it are wrong whenever it goes down", m.Name, m.Type)})
		case m.Type == Counter && !strings.HasSuffix(m.Name, "_total"):
			out = append(out, Warning{Range: r.defined[m.Name], Msg: fmt.Sprintf("counter %s does not end in _total", m.Name)})
		}
	}
	return out
}

// defBuckets are prometheus.DefBuckets.
var defBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

func hasKey(cl *ast.CompositeLit, key string) bool {
	for _, el := range cl.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == key {
				return true
			}
		}
	}
	return false
}

// buckets evaluates a Buckets option: prometheus.DefBuckets, a []float64
// literal, or prometheus.LinearBuckets / ExponentialBuckets with constant
// arguments. It returns nil when it cannot tell.
func (r *goReader) buckets(e ast.Expr) []float64 {
	switch e := r.resolve(e).(type) {
	case *ast.SelectorExpr:
		if e.Sel.Name == "DefBuckets" {
			return defBuckets
		}
	case *ast.CompositeLit:
		var out []float64
		for _, el := range e.Elts {
			f, ok := r.number(el)
			if !ok {
				return nil
			}
			out = append(out, f)
		}
		return out
	case *ast.CallExpr:
		sel, ok := e.Fun.(*ast.SelectorExpr)
		if !ok || len(e.Args) != 3 {
			return nil
		}
		start, ok1 := r.number(e.Args[0])
		step, ok2 := r.number(e.Args[1])
		count, ok3 := r.number(e.Args[2])
		if !ok1 || !ok2 || !ok3 || count < 1 || count > 1000 {
			return nil
		}
		out := make([]float64, int(count))
		for i := range out {
			switch sel.Sel.Name {
			case "LinearBuckets":
				out[i] = start + float64(i)*step
			case "ExponentialBuckets":
				out[i] = start
				for range i {
					out[i] *= step
				}
			default:
				return nil
			}
		}
		return out
	}
	return nil
}

func (r *goReader) number(e ast.Expr) (float64, bool) {
	if r.err != nil {
		return 0, false
	}
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > 2*maxConstDepth {
		r.fail(e, "number expression nested more than %d deep", 2*maxConstDepth)
		return 0, false
	}
	if v, _, done, ok := r.constant(e); ok {
		defer done()
		return r.number(v)
	}
	if r.err != nil {
		return 0, false
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		f, err := strconv.ParseFloat(e.Value, 64)
		return f, err == nil
	case *ast.UnaryExpr:
		f, ok := r.number(e.X)
		if e.Op == token.SUB {
			f = -f
		}
		return f, ok
	case *ast.ParenExpr:
		return r.number(e.X)
	}
	return 0, false
}

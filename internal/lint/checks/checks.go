// Package checks holds rulecheck's lint checks, one file per check with its
// documentation next to its code. All returns them.
package checks

import (
	"sort"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/tmplref"
)

var registry []*lint.Check

// register adds a check; each check file calls it from a var initializer.
func register(c *lint.Check) *lint.Check {
	registry = append(registry, c)
	return c
}

// All returns every check, the framework's ignore checks included, sorted
// by ID.
func All() []*lint.Check {
	out := append([]*lint.Check{lint.IgnoreCheck, lint.UnusedIgnoreCheck}, registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ByID returns the check with an ID, or nil.
func ByID(id string) *lint.Check {
	for _, c := range All() {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// loadErrorCheck is a check that reports the file loader's errors of one
// category.
func loadErrorCheck(id, category, doc, example string) *lint.Check {
	return register(&lint.Check{
		ID:       id,
		Severity: lint.Error,
		Doc:      doc,
		Example:  example,
		Run: func(p *lint.Pass) {
			for _, le := range p.File.LoadErrors {
				if le.Category == category {
					pos := le.Pos()
					pos.Line = max(pos.Line, 1)
					pos.Column = max(pos.Column, 1)
					p.Reportf(pos, "%s", le.Msg)
				}
			}
		},
	})
}

// alerts calls fn for every alerting rule of the pass's file.
func alerts(p *lint.Pass, fn func(r *lint.Rule)) {
	for _, g := range p.File.Groups {
		for _, r := range g.Rules {
			if r.IsAlert {
				fn(r)
			}
		}
	}
}

// exprs calls fn for every parsed expression of the pass's file.
func exprs(p *lint.Pass, fn func(e *lint.Expr)) {
	for _, e := range p.File.Exprs {
		if e.AST != nil {
			fn(e)
		}
	}
}

// rateFuncs are the functions that take a counter's range and handle
// resets.
var rateFuncs = map[string]bool{"rate": true, "irate": true, "increase": true}

// call returns the function call directly around a matrix selector at the
// end of path (path ends with the selector's parent chain).
func enclosingCall(path []parser.Node) (*parser.Call, int) {
	for i := len(path) - 1; i >= 0; i-- {
		switch n := path[i].(type) {
		case *parser.MatrixSelector, *parser.ParenExpr, *parser.StepInvariantExpr:
			continue
		case *parser.Call:
			return n, i
		default:
			return nil, -1
		}
	}
	return nil, -1
}

// quoteList joins names as "a", "b" and "c".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = `"` + n + `"`
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func durString(d time.Duration) string { return model.Duration(d).String() }

// inspected is what each label and annotation template refers to, parsed
// once for all the template checks. Callers must not change the result.
var inspected = &lint.Shared[string, *tmplref.Info]{Name: "template references", Compute: func(_ *lint.Project, text string) *tmplref.Info {
	return tmplref.Inspect(text)
}}

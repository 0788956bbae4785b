package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// DisjointMatch reports one-to-one operations whose sides carry different
// label sets.
var DisjointMatch = register(&lint.Check{
	ID:       "promql/disjoint-match",
	Severity: lint.Warning,
	Doc: `A one-to-one binary operation (arithmetic, a comparison, or and) has two
sides that carry different label sets, known from the expression alone:
sum by (job, handler) (...) / sum by (job) (...). Without on (...) or
ignoring (...) PromQL pairs series whose labels are all equal, so no pair
exists and the result is always empty: an alert on it never fires, a
recording rule records nothing. Match on the labels both sides have,
on (job) group_left, or aggregate both sides to the same labels. Only sides
whose labels the expression fixes (by (...) aggregations and functions of
them) are compared; selectors, whose labels come from the data, are not.`,
	Example: `- alert: HighErrorRatio
  expr: sum by (job, handler) (rate(errors_total[5m])) / sum by (job) (rate(requests_total[5m])) > 0.05`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, _ []parser.Node) {
				b, ok := n.(*parser.BinaryExpr)
				if !ok || b.VectorMatching == nil || b.VectorMatching.Card != parser.CardOneToOne {
					return
				}
				if b.Op == parser.LOR || b.Op == parser.LUNLESS || !isVector(p.Project, b.LHS) || !isVector(p.Project, b.RHS) {
					return
				}
				l, lok := fixedLabels(p.Project, b.LHS)
				r, rok := fixedLabels(p.Project, b.RHS)
				if !lok || !rok {
					return
				}
				l, r = matched(l, b.VectorMatching), matched(r, b.VectorMatching)
				if slices.Equal(l, r) {
					return
				}
				p.Reportf(e.Pos(opOffset(e, b)), "%s matches one-to-one, but the left side carries %s and the right side %s: no series pair has equal labels, so the result is always empty; match with on (...) on the labels both carry, with group_left or group_right if one side has more series", b.Op, labelList(l), labelList(r))
			})
		})
	},
})

// keepLabels are functions whose result has the labels of their vector
// argument.
var keepLabels = map[string]bool{
	"rate": true, "irate": true, "increase": true, "delta": true, "idelta": true, "deriv": true,
	"abs": true, "ceil": true, "floor": true, "round": true, "sqrt": true, "exp": true, "ln": true,
	"log2": true, "log10": true, "clamp": true, "clamp_min": true, "clamp_max": true, "sgn": true,
	"avg_over_time": true, "min_over_time": true, "max_over_time": true, "sum_over_time": true,
	"count_over_time": true, "last_over_time": true, "quantile_over_time": true, "stddev_over_time": true,
	"predict_linear": true, "sort": true, "sort_desc": true,
}

// fixedLabels returns the labels an expression's series carry when the
// expression itself fixes them (by (...) aggregations, and functions and
// scalar arithmetic of them), sorted.
func fixedLabels(pr *lint.Project, e parser.Expr) ([]string, bool) {
	switch n := lint.Unparen(e).(type) {
	case *parser.AggregateExpr:
		if n.Without || picksSeries(n.Op) || n.Op == parser.COUNT_VALUES {
			return nil, false
		}
		out := slices.Clone(n.Grouping)
		slices.Sort(out)
		return slices.Compact(out), true
	case *parser.Call:
		for _, a := range n.Args {
			if !isVector(pr, a) {
				continue
			}
			switch {
			case keepLabels[n.Func.Name]:
				return fixedLabels(pr, a)
			case n.Func.Name == "histogram_quantile":
				ls, ok := fixedLabels(pr, a)
				return slices.DeleteFunc(ls, func(l string) bool { return l == "le" }), ok
			}
		}
	case *parser.BinaryExpr:
		switch {
		case !isVector(pr, n.LHS) && isVector(pr, n.RHS):
			return fixedLabels(pr, n.RHS)
		case isVector(pr, n.LHS) && !isVector(pr, n.RHS):
			return fixedLabels(pr, n.LHS)
		}
	}
	return nil, false
}

// matched keeps the labels a vector matching compares.
func matched(ls []string, vm *parser.VectorMatching) []string {
	return slices.DeleteFunc(slices.Clone(ls), func(l string) bool {
		return slices.Contains(vm.MatchingLabels, l) != vm.On
	})
}

func labelList(ls []string) string {
	if len(ls) == 0 {
		return "no labels"
	}
	return fmt.Sprintf("{%s}", strings.Join(ls, ", "))
}

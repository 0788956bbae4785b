package checks

import (
	"fmt"
	"iter"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// RawCounter reports counters used without rate() or increase().
var RawCounter = register(&lint.Check{
	ID:       "promql/raw-counter",
	Severity: lint.Error,
	Doc: `A counter's raw value is compared, aggregated or used in arithmetic without
rate(), irate() or increase(). A counter's value is the total since the
process started: it only grows, and drops to zero on every restart. An
alert like errors_total > 0 fires at the first error and stays firing until
the process restarts, so it never resolves; sums and ratios of raw counters
mix lifetimes of processes that started at different times. Use
increase(x[5m]) > 0 for "any in the last 5 minutes" and rate(x[5m]) for
per-second rates. A counter is a catalog counter (also a histogram's
_bucket, _sum and _count) or, for metrics the catalog does not know, a name
ending in _total; that last is a guess (gauges are named _total too), so
it is reported as a warning at most. count(), group(), absent(),
timestamp(), changes(), resets() and the right-hand side of and/unless
only look at which series exist, and rate() or increase() over a subquery
turns the values into a rate: a counter under any of them is fine.`,
	Example: `- alert: DatabaseErrors
  expr: database_connection_errors_total > 0`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			for _, sp := range lint.Selectors(e.AST) {
				s := p.Project.Selector(sp.VS)
				isCounter, how := counterKind(s)
				guess := isCounter && !s.Known
				if !isCounter {
					continue
				}
				use := rawUse(sp.VS, sp.Ancestors())
				if use == "" {
					continue
				}
				fix := fmt.Sprintf("use rate(%s[5m]) or increase(%s[5m])", s.Name, s.Name)
				if use == "compared" {
					fix = fmt.Sprintf("a counter only grows, so once it is past the threshold the alert fires until the process restarts and never resolves; use increase(%s[5m]) > 0 for \"any in the last 5 minutes\"", s.Name)
				}
				f := e.Finding(sp.VS, "%s is %s, %s without rate() or increase(): %s", s.Name, how, use, fix)
				if guess {
					// Gauges are named _total too (ceph_pg_total): without
					// the catalog's word this is a guess, a warning at most.
					f.Severity = lint.Warning
					f.Message += " (a guess from the name: declare the metric's type in the catalog to be sure)"
				}
				p.Report(f)
			}
		})
	},
})

// valueFree are the functions that do not look at their argument's values,
// or that turn a counter's range into something meaningful.
var valueFree = map[string]bool{
	"rate": true, "irate": true, "increase": true, "resets": true, "changes": true,
	"absent": true, "absent_over_time": true, "present_over_time": true, "count_over_time": true,
	"timestamp": true,
}

// passThrough are the functions that hand their argument's values on
// unchanged.
var passThrough = map[string]bool{
	"label_replace": true, "label_join": true, "sort": true, "sort_desc": true,
	"sort_by_label": true, "sort_by_label_desc": true, "last_over_time": true,
}

// rawUse walks up from a counter selector and tells how its raw value is
// used: "compared", "aggregated", "used in arithmetic", "passed to f()",
// or "" when it is not. The innermost use is named, unless an outer node
// throws the values away (count(), group(), absent(), the right-hand side
// of and/unless) or turns them into a rate (rate() or increase() over a
// subquery): then the raw value never reaches the result.
func rawUse(vs parser.Node, ancestors iter.Seq[parser.Node]) string {
	use := ""
	child := vs
	for anc := range ancestors {
		u, discards := nodeUse(anc, child)
		if discards {
			return ""
		}
		if use == "" {
			use = u
		}
		child = anc
	}
	return use
}

// nodeUse tells how a node uses its child's values: a raw use, or whether
// it discards them.
func nodeUse(node, child parser.Node) (use string, discards bool) {
	switch n := node.(type) {
	case *parser.Call:
		switch {
		case valueFree[n.Func.Name]:
			return "", true
		case !passThrough[n.Func.Name]:
			return "passed to " + n.Func.Name + "()", false
		}
	case *parser.AggregateExpr:
		switch {
		case n.Op == parser.COUNT || n.Op == parser.GROUP || n.Param == child:
			return "", true
		}
		return "aggregated with " + n.Op.String() + "()", false
	case *parser.BinaryExpr:
		switch {
		case (n.Op == parser.LAND || n.Op == parser.LUNLESS) && n.RHS == child:
			return "", true
		case n.Op.IsSetOperator():
		case n.Op.IsComparisonOperator():
			return "compared", false
		default:
			return "used in arithmetic", false
		}
	case *parser.UnaryExpr:
		return "used in arithmetic", false
	}
	return "", false
}

// counterKind tells whether a selector selects a counter, and how the
// check knows.
func counterKind(s lint.Selector) (bool, string) {
	if s.Known {
		switch s.Series.Kind {
		case catalog.KindCounter:
			if s.Series.Suffix != "" {
				return true, fmt.Sprintf("the %s counter of %s %s", s.Series.Suffix, s.Series.Metric.Type, s.Series.Metric.Name)
			}
			return true, "a counter in the catalog"
		case catalog.KindBucket:
			return true, fmt.Sprintf("the bucket counter of histogram %s", s.Series.Metric.Name)
		}
		return false, ""
	}
	if len(s.RecordedBy) == 0 && strings.HasSuffix(s.Name, "_total") {
		return true, "a counter by its _total suffix (the catalog does not know it)"
	}
	return false, ""
}

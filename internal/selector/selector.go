// Package selector answers questions about PromQL vector selectors that
// both the replay's rule pruning and the linter ask.
package selector

import (
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// MetricName returns the metric name a selector selects exactly: its name,
// or the value of an equality matcher on __name__; "" when it selects by
// another matcher (a regular expression on __name__, or none).
func MetricName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return ""
}

// Names returns the metric names an expression selects, one per vector
// selector in order; ok is false if a selector does not name its metric
// exactly (its entry is then "").
func Names(e parser.Expr) (names []string, ok bool) {
	ok = true
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, isVS := n.(*parser.VectorSelector)
		if !isVS {
			return nil
		}
		name := MetricName(vs)
		if name == "" {
			ok = false
		}
		names = append(names, name)
		return nil
	})
	return names, ok
}

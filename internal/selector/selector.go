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

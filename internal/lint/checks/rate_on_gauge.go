package checks

import (
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// RateOnGauge reports rate, irate and increase over gauges.
var RateOnGauge = register(&lint.Check{
	ID:           "promql/rate-on-gauge",
	Severity:     lint.Error,
	NeedsCatalog: true,
	Doc: `rate(), irate() or increase() is applied to a metric the catalog types as a
gauge (or to a summary's quantile series). These functions assume a counter:
every decrease is taken for a counter reset and the whole new value is
counted as growth, so a gauge that goes down now and then produces spikes
and a value that means nothing. For the rate of change of a gauge use
deriv() (or delta() over a range); if the metric only ever goes up it is a
counter in all but name and should be defined as one (a name ending in
_total says so: fix the definition, not the rule).`,
	Example: `- alert: MemoryGrowing
  expr: rate(process_resident_memory_bytes[10m]) > 1e6`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, path []parser.Node) {
				ms, ok := n.(*parser.MatrixSelector)
				if !ok {
					return
				}
				call, _ := enclosingCall(path)
				if call == nil || !rateFuncs[call.Func.Name] {
					return
				}
				vs, ok := ms.VectorSelector.(*parser.VectorSelector)
				if !ok {
					return
				}
				s := p.Project.Selector(vs)
				if !s.Known || (s.Series.Kind != catalog.KindGauge && s.Series.Kind != catalog.KindQuantile) {
					return
				}
				what := "a gauge"
				if s.Series.Kind == catalog.KindQuantile {
					what = "the quantile gauge of summary " + s.Series.Metric.Name
				}
				hint := "use deriv() for the rate of change of a gauge"
				if len(s.Name) > 6 && s.Name[len(s.Name)-6:] == "_total" {
					hint = "its _total name says it is meant to be a counter: define it as one (a CounterVec) and keep the rate(), or use deriv() while it is a gauge"
				}
				p.Reportf(e.At(vs), "%s() over %s, which the catalog types as %s%s: %s() takes every decrease for a counter reset, so the result is wrong whenever it goes down; %s", call.Func.Name, s.Name, what, describe(s.Series.Metric), call.Func.Name, hint)
			})
		})
	},
})

// describe names where a metric is defined, for messages.
func describe(m *catalog.Metric) string {
	switch {
	case m == nil:
		return ""
	case m.Assumed:
		return " (assumed)"
	case m.Source != "":
		return ", defined in " + m.Source
	}
	return ""
}

package checks

import (
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// RangeTooShort reports range selectors that hold too few samples.
var RangeTooShort = register(&lint.Check{
	ID:           "promql/range-too-short",
	Severity:     lint.Warning,
	NeedsCatalog: true,
	Doc: `A range selector ([1m]) is shorter than four times the scrape interval of
the metric it selects (from the catalog: the metric's job, or the job its
job="..." matcher names). rate() and the other range functions need at
least two samples in the range; with fewer than four a single missed or
late scrape leaves one sample or none, and the series disappears from the
result: alerts flap and resolve, graphs have gaps. Use a range of at least
four scrape intervals.`,
	Example: `# http_requests_total is scraped every 30s
- alert: HighRequestRate
  expr: rate(http_requests_total[1m]) > 100`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			lint.Inspect(e.AST, func(n parser.Node, _ []parser.Node) {
				ms, ok := n.(*parser.MatrixSelector)
				if !ok || ms.Range <= 0 {
					return
				}
				vs, ok := ms.VectorSelector.(*parser.VectorSelector)
				if !ok {
					return
				}
				s := p.Project.Selector(vs)
				if !s.Known {
					return
				}
				scrape := p.Catalog().ScrapeInterval(s.Series, s.Jobs...)
				if ms.Range >= 4*scrape {
					return
				}
				src := "job " + joinOr(s.Series.Metric.Jobs)
				if len(s.Jobs) > 0 {
					src = "job " + s.Jobs[0]
				}
				if s.Series.Metric.ScrapeInterval > 0 || len(s.Series.Metric.Jobs) == 0 {
					src = "the catalog"
				}
				p.Reportf(e.Pos(bracketOffset(e, ms)), "range [%s] over %s, which is scraped every %s (%s), holds %s: one missed scrape leaves too few for a result; use at least [%s]", durStr(ms.Range), s.Name, durStr(scrape), src, samples(ms.Range, scrape), durStr(4*scrape))
			})
		})
	},
})

func durStr(d time.Duration) string { return durString(d) }

func samples(r, scrape time.Duration) string {
	n := int(r / scrape)
	switch n {
	case 0:
		return "at most one sample"
	case 1:
		return "one or two samples"
	}
	return fmt.Sprintf("%d or %d samples", n, n+1)
}

func joinOr(ss []string) string {
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	}
	out := ss[0]
	for _, s := range ss[1 : len(ss)-1] {
		out += ", " + s
	}
	return out + " or " + ss[len(ss)-1]
}

// bracketOffset is the offset of a range selector's "[".
func bracketOffset(e *lint.Expr, ms *parser.MatrixSelector) int {
	end := min(int(ms.EndPos), len(e.Query))
	if i := strings.LastIndexByte(e.Query[:end], '['); i >= 0 {
		return i
	}
	return int(ms.PositionRange().Start)
}

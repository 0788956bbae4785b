package checks

import (
	"sort"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// CatalogUnknownMetric reports metrics the catalog does not know.
var CatalogUnknownMetric = register(&lint.Check{
	ID:           "catalog/unknown-metric",
	Severity:     lint.Error,
	NeedsCatalog: true,
	Doc: `An expression selects a metric that the metric catalog does not know, that
no linted recording rule writes, and that is not one of the series
Prometheus writes itself (up, scrape_*, ALERTS). Either nothing exports it,
and the rule or panel never sees a series (an alert that can never fire
looks exactly like a healthy system), or the catalog is out of date. Fix
the name (the finding suggests close names), or add the metric to the
catalog, marked assumed: true with a note when no source defines it.`,
	Example: `- alert: QueueFull
  expr: job_queue_lenght > 100`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			for _, sp := range lint.Selectors(e.AST) {
				s := p.Project.Selector(sp.VS)
				if s.Name == "" || s.Known || len(s.RecordedBy) > 0 || s.Name == "ALERTS" || s.Name == "ALERTS_FOR_STATE" {
					continue
				}
				msg := "metric %s is not in the catalog%s and no linted recording rule writes it: nothing may export it, and then the expression selects nothing"
				args := []any{s.Name, catalogName(p)}
				if sugg := suggest(p, s.Name); len(sugg) > 0 {
					msg += "; did you mean %s?"
					args = append(args, quoteList(sugg))
				}
				p.Reportf(e.At(sp.VS), msg, args...)
			}
		})
	},
})

func catalogName(p *lint.Pass) string {
	if c := p.Catalog(); c != nil && c.Path != "" {
		return " (" + c.Path + ")"
	}
	return ""
}

// suggest returns the catalog's series names close to name.
func suggest(p *lint.Pass, name string) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, m := range p.Catalog().Metrics {
		for _, n := range m.Names() {
			if d := levenshtein(name, n); d <= max(2, len(name)/8) {
				cs = append(cs, cand{n, d})
			}
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].d < cs[j].d || (cs[i].d == cs[j].d && cs[i].name < cs[j].name) })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// levenshtein is the edit distance of two strings.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

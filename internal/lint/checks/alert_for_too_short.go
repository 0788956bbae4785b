package checks

import (
	"fmt"
	"time"

	"github.com/prometheus/common/model"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// AlertForTooShort reports for durations the rule cannot honour.
var AlertForTooShort = register(&lint.Check{
	ID:       "alert/for-too-short",
	Severity: lint.Warning,
	Doc: `An alert's for is shorter than its group's evaluation interval, or shorter
than twice the scrape interval of the metrics it uses. An alert turns
pending on one evaluation and firing on a later one, so a for shorter than
the interval behaves like a for of one interval and says something the rule
does not do. A for shorter than two scrapes is decided by a single sample:
one slow or failed scrape is enough to fire it. The group interval is the
group's own, else the evaluation interval of the Prometheus resource given
(the operator's default is 30s), else evaluation_interval of
.rulecheck.yaml; when none of these says, the interval is unknown and not
checked (Prometheus's default of 1m is often overridden). Scrape intervals
come from the catalog.`,
	Example: `- name: example
  interval: 1m
  rules:
  - alert: QueueFull
    expr: queue_size > 1000
    for: 30s`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			forDur := time.Duration(r.Raw.For)
			if forDur <= 0 {
				return
			}
			pos := r.ForPos
			if iv, from := p.Project.KnownGroupInterval(r.Group); forDur < iv {
				p.Reportf(pos, "for %s is shorter than the evaluation interval of %s (%s): the alert cannot fire before its second evaluation, %s after it turns pending", model.Duration(forDur), model.Duration(iv), from, model.Duration(iv))
				return
			}
			if r.Expr.AST == nil || p.Catalog() == nil {
				return
			}
			scrape, what := longestScrape(p, r.Expr)
			if scrape > 0 && forDur < 2*scrape {
				p.Reportf(pos, "for %s is shorter than twice the scrape interval of %s (%s): one late or failed scrape can fire the alert; use at least %s", model.Duration(forDur), what, model.Duration(scrape), model.Duration(2*scrape))
			}
		})
	},
})

// longestScrape returns the longest scrape interval of the metrics an
// expression selects that the catalog knows.
func longestScrape(p *lint.Pass, e *lint.Expr) (time.Duration, string) {
	var longest time.Duration
	var what string
	for _, sp := range lint.Selectors(e.AST) {
		s := p.Project.Selector(sp.VS)
		if !s.Known {
			continue
		}
		if d := p.Catalog().ScrapeInterval(s.Series, s.Jobs...); d > longest {
			longest, what = d, s.Name
			if len(s.Jobs) > 0 {
				what = fmt.Sprintf("%s{job=%q}", s.Name, s.Jobs[0])
			}
		}
	}
	return longest, what
}

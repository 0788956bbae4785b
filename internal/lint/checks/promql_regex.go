package checks

import (
	"regexp"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/exprpos"
)

// RegexRedundant reports anchors PromQL adds itself and regexes that are
// literals.
var RegexRedundant = register(&lint.Check{
	ID:       "promql/regex-redundant",
	Severity: lint.Info,
	Doc: `A regex label matcher says more than it needs to. PromQL anchors every
regex at both ends, so a leading ^ or trailing $ changes nothing and
suggests to the reader that the regex would otherwise match a part of the
value. A regex without any special character (job=~"api") is an equality:
write job="api" (and !~ as !=), which reads as what it does and is cheaper
to evaluate.`,
	Example: `- alert: APIDown
  expr: up{job=~"^api$"} == 0`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			for _, sp := range lint.Selectors(e.AST) {
				for _, m := range sp.VS.LabelMatchers {
					if m.Type != labels.MatchRegexp && m.Type != labels.MatchNotRegexp {
						continue
					}
					pos := e.Pos(exprpos.MatcherOffset(e, sp.VS, m))
					switch {
					case anchored(m.Value):
						p.Reportf(pos, "%s: PromQL anchors regexes at both ends already, so the ^ and $ are redundant: %s", m, strings.Replace(m.String(), m.Value, unanchor(m.Value), 1))
					case m.Value != "" && regexp.QuoteMeta(m.Value) == m.Value:
						op := "="
						if m.Type == labels.MatchNotRegexp {
							op = "!="
						}
						p.Reportf(pos, "%s has no regex in it: write %s%s%q, an equality", m, m.Name, op, m.Value)
					}
				}
			}
		})
	},
})

// SelectsEverything reports selectors that match every series.
var SelectsEverything = register(&lint.Check{
	ID:       "promql/selects-everything",
	Severity: lint.Warning,
	Doc: `A selector matches every series of the server: it has no metric name and
each of its matchers matches any value, such as {__name__=~".+"} or
{job=~".*"}. Evaluating it loads every series in the database, which is
slow, can exhaust the query's memory limit, and rarely computes what was
meant. Name the metric, or narrow it with a matcher that excludes
something.`,
	Example: `- record: series:count
  expr: count({__name__=~".+"})`,
	Run: func(p *lint.Pass) {
		exprs(p, func(e *lint.Expr) {
			for _, sp := range lint.Selectors(e.AST) {
				if matchesEverything(sp.VS) {
					p.Reportf(e.At(sp.VS), "%s matches every series: it loads the whole database at each evaluation; name the metric or narrow the matchers", sp.VS)
				}
			}
		})
	},
})

// anchored tells whether a regex starts with ^ or ends with an unescaped $.
func anchored(re string) bool {
	return strings.HasPrefix(re, "^") || (strings.HasSuffix(re, "$") && !strings.HasSuffix(re, `\$`))
}

func unanchor(re string) string {
	re = strings.TrimPrefix(re, "^")
	if strings.HasSuffix(re, "$") && !strings.HasSuffix(re, `\$`) {
		re = strings.TrimSuffix(re, "$")
	}
	return re
}

// matchesEverything tells whether every matcher of a selector matches any
// series: regexes .* (any value, also none) or, on the metric name, .+.
func matchesEverything(vs *parser.VectorSelector) bool {
	if vs.Name != "" || len(vs.LabelMatchers) == 0 {
		return false
	}
	for _, m := range vs.LabelMatchers {
		if m.Type != labels.MatchRegexp {
			return false
		}
		all := m.Value == ".*" || (m.Name == labels.MetricName && (m.Value == ".+" || m.Value == ".*"))
		if !all {
			return false
		}
	}
	return true
}

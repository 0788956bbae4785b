package checks

import (
	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// AlertMissingFor reports alerts without for.
var AlertMissingFor = register(&lint.Check{
	ID:       "alert/missing-for",
	Severity: lint.Info,
	Doc: `An alerting rule has no for (or for: 0s): it fires on the first evaluation
at which its expression returns a series, so one odd sample, a restart or a
momentary spike sends a notification, and it resolves as abruptly. Most
alerts want for of a few evaluation intervals. For alerts on events that
are rare by nature (increase(errors_total[5m]) > 0) firing at once may be
what is wanted; say so with a rulecheck:ignore comment. An alert whose
expression selects no series (vector(1), a dead man's switch) fires
always by design and is not reported.`,
	Example: `- alert: HighErrorRate
  expr: rate(errors_total[5m]) > 1`,
	Run: func(p *lint.Pass) {
		alerts(p, func(r *lint.Rule) {
			if r.Raw.For > 0 || (r.Expr.AST != nil && constant(r.Expr.AST)) {
				return
			}
			iv, _ := p.Project.GroupInterval(r.Group)
			p.Reportf(r.NamePos, "alert %s has no for: it fires on the first evaluation (every %s) at which its expression returns a series, so a single odd sample pages someone", r.Name, durString(iv))
		})
	},
})

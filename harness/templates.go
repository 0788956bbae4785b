package harness

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/template"

	"github.com/codevaldcortex/rulecheck/internal/tmplbound"
	"github.com/codevaldcortex/rulecheck/position"
)

// Template bounds. Prometheus expands an alert's label and annotation
// templates inside AlertingRule.Eval, right after the rule's query, into a
// buffer of its own and without any limit. The one point rulecheck sees
// between the query and the expansion is the query function: the
// replay's query function checks, when it has answered an alerting rule's
// own query, every template of that rule which is not plain against the
// budget of one evaluation (--max-template-bytes), with the alerts' data,
// through package tmplbound. Over the budget it returns an error instead
// of the result, so the rule fails before anything is expanded and the
// test group is refused as bad input, naming the rule.

// alertTemplates are an alerting rule's templates that need the check,
// with the rule's position.
type alertTemplates struct {
	pos position.Range
	t   *tmplbound.Rule
}

// TemplateError is a rule whose templates would expand beyond the budget.
type TemplateError struct {
	Range position.Range
	Alert string
	// Template names the label or annotation ("annotations.summary").
	Template string
	Limit    int64
}

func (e *TemplateError) Error() string {
	return fmt.Sprintf("%s: alert %s: the template of %s %s for one evaluation (--max-template-bytes)", e.Range, e.Alert, e.Template, (&tmplbound.Exceeded{Limit: e.Limit}).Error())
}

// templateKey identifies an alerting rule as rules.RuleDetail does.
func templateKey(name, query string, lbls labels.Labels) string {
	return name + "\x00" + query + "\x00" + lbls.String()
}

// indexTemplates collects the alerting rules of the prototype groups
// whose templates need a check, keyed as their evaluations name them.
func (rp *replay) indexTemplates() {
	for _, g := range rp.groups {
		for i, r := range g.Rules() {
			ar, ok := r.(*rules.AlertingRule)
			if !ok {
				continue
			}
			t := tmplbound.ForRule(ar, rp.tg.ExternalLabels.Map(), rp.tg.ExternalURL)
			if t == nil {
				continue
			}
			at := &alertTemplates{pos: rp.rulePosition(g, i), t: t}
			if rp.templates == nil {
				rp.templates = map[string][]*alertTemplates{}
			}
			k := templateKey(ar.Name(), ar.Query().String(), ar.Labels())
			rp.templates[k] = append(rp.templates[k], at)
		}
	}
}

// rulePosition is where the i-th rule of a loaded group is written.
func (rp *replay) rulePosition(g *rules.Group, i int) position.Range {
	pos := position.At(g.File(), 0, 0)
	f, err := rp.r.loader.File(g.File())
	if err != nil {
		return pos
	}
	for _, fg := range f.Groups {
		if fg.Name == g.Name() && i < len(fg.RulePos) {
			return position.At(g.File(), fg.RulePos[i].Line, fg.RulePos[i].Column)
		}
	}
	return pos
}

// boundedQueryFunc wraps the replay's query function with the template
// check.
func (rp *replay) boundedQueryFunc(inner rules.QueryFunc, externalURL *url.URL) rules.QueryFunc {
	if rp.templates == nil {
		return inner
	}
	var mu sync.Mutex
	var lastChecked context.Context
	return func(ctx context.Context, q string, ts time.Time) (promql.Vector, error) {
		v, err := inner(ctx, q, ts)
		if err != nil || len(v) == 0 {
			return v, err
		}
		d := rules.FromOriginContext(ctx)
		if d.Kind != rules.KindAlerting || d.Query != q {
			return v, nil
		}
		ats := rp.templates[templateKey(d.Name, d.Query, d.Labels)]
		if len(ats) == 0 {
			return v, nil
		}
		// One check per evaluation: the queries the templates make share
		// the evaluation's context and may repeat the rule's own query.
		mu.Lock()
		repeated := lastChecked == ctx
		lastChecked = ctx
		mu.Unlock()
		if repeated {
			return v, nil
		}
		if err := checkTemplates(ctx, ats, v, ts, inner, externalURL, rp.r.opts.Limits.MaxTemplateBytes); err != nil {
			return nil, err
		}
		return v, nil
	}
}

// checkTemplates checks the templates of the rules named by one evaluation
// for every alert of its result, as Eval will expand them.
func checkTemplates(ctx context.Context, ats []*alertTemplates, v promql.Vector, ts time.Time, query rules.QueryFunc, externalURL *url.URL, limit int64) error {
	for _, a := range ats {
		if ex := a.t.Check(ctx, v, ts, template.QueryFunc(query), externalURL, limit); ex != nil {
			return &TemplateError{Range: a.pos, Alert: a.t.Name(), Template: ex.Template, Limit: ex.Limit}
		}
	}
	return nil
}

// templateFailure is the message of a rule error that is a TemplateError.
func templateFailure(err error) (string, bool) {
	var te *TemplateError
	if !errors.As(err, &te) {
		return "", false
	}
	return strings.TrimSpace(te.Error()), true
}

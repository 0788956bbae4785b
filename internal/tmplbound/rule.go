package tmplbound

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/template"
)

// AlertDefs are the variables Prometheus defines in front of every alert
// template (rules.AlertingRule.Eval).
const AlertDefs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

// prepared caches PrepareAlert by text: rule sets repeat templates, and
// test groups load the same rules again.
var prepared sync.Map

// PrepareAlert prepares an alert label or annotation template as
// Prometheus expands it, with AlertDefs in front.
func PrepareAlert(text string) *Template {
	if t, ok := prepared.Load(text); ok {
		return t.(*Template)
	}
	t, _ := prepared.LoadOrStore(text, Prepare(AlertDefs+text))
	return t.(*Template)
}

// Rule holds the templates of one alerting rule that need a check.
type Rule struct {
	name      string
	extLabels map[string]string
	extURL    string
	templates []namedTemplate
}

type namedTemplate struct {
	key string // "labels.severity", "annotations.summary"
	t   *Template
}

// ForRule returns the templates of ar that need a check, or nil when all
// are plain. extLabels and extURL are what the templates see as
// $externalLabels and $externalURL.
func ForRule(ar *rules.AlertingRule, extLabels map[string]string, extURL string) *Rule {
	r := &Rule{name: ar.Name(), extLabels: extLabels, extURL: extURL}
	add := func(prefix string) func(labels.Label) {
		return func(l labels.Label) {
			if t := PrepareAlert(l.Value); t.NeedsCheck() {
				r.templates = append(r.templates, namedTemplate{prefix + l.Name, t})
			}
		}
	}
	ar.Labels().Range(add("labels."))
	ar.Annotations().Range(add("annotations."))
	if len(r.templates) == 0 {
		return nil
	}
	return r
}

// RuleExceeded is an alerting rule whose templates would expand beyond
// the budget of one evaluation.
type RuleExceeded struct {
	Exceeded
	// Template names the label or annotation ("annotations.summary").
	Template string
}

// Check checks the rule's templates for every alert of v, the result of
// the rule's query at ts, as Eval will expand them, against one budget of
// limit bytes. query answers the queries the templates make.
func (r *Rule) Check(ctx context.Context, v promql.Vector, ts time.Time, query template.QueryFunc, externalURL *url.URL, limit int64) *RuleExceeded {
	at := model.Time(timestamp.FromTime(ts))
	b := NewBudget(limit)
	for _, smpl := range v {
		data := template.AlertTemplateData(smpl.Metric.Map(), r.extLabels, r.extURL, smpl)
		for _, nt := range r.templates {
			err := nt.t.Check(ctx, "__alert_"+r.name, data, at, query, externalURL, b)
			var ex *Exceeded
			if errors.As(err, &ex) {
				return &RuleExceeded{Exceeded: *ex, Template: nt.key}
			}
		}
	}
	return nil
}

// Name is the alerting rule's name.
func (r *Rule) Name() string { return r.name }

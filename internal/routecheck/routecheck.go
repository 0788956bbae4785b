// Package routecheck holds the static routing analysis of alerting rules
// against an Alertmanager configuration: for each rule, the label sets it
// can produce, the receivers they reach and the inhibit rules that could
// silence it; and what can never work (alerts that reach only the
// catch-all receiver, inhibit rules no rule can trigger or whose equal
// labels one side never carries). Route matching is dispatch.Route's and
// inhibit rules are read with the inhibit package; only which label values
// are known is decided here.
package routecheck

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/inhibit"
	amlabels "github.com/prometheus/alertmanager/pkg/labels"
	"github.com/prometheus/common/model"

	"github.com/codevaldcortex/rulecheck/position"
	"github.com/codevaldcortex/rulecheck/routing"
)

// Alert is what an alerting rule can produce, as far as the files say.
type Alert struct {
	Name string
	Pos  position.Range
	// Values are the labels whose value is known: alertname and the
	// rule's (and its group's) literal labels.
	Values map[string]string
	// Carried are labels it carries with values not known here: labels
	// its expression keeps, templated rule labels.
	Carried map[string]bool
	// Open is set when it may carry labels the analysis cannot name.
	Open bool
}

// unknown reports whether the alert may carry label l with an unknown value.
func (a Alert) unknown(l string) bool {
	_, known := a.Values[l]
	return !known && (a.Carried[l] || a.Open)
}

// lacks reports whether the alert certainly does not carry l.
func (a Alert) lacks(l string) bool {
	_, known := a.Values[l]
	return !known && !a.Carried[l] && !a.Open
}

// carries reports whether the alert certainly carries l (non-empty).
func (a Alert) carries(l string) bool {
	v, known := a.Values[l]
	return known && v != "" || !known && a.Carried[l]
}

// Kind is what a finding is about.
type Kind int

// Finding kinds.
const (
	// CatchAllOnly: an alert reaches only the root route's receiver.
	CatchAllOnly Kind = iota
	// InhibitNoSource: no rule can produce an alert the source matchers match.
	InhibitNoSource
	// InhibitNoTarget: no rule can produce an alert the target matchers match.
	InhibitNoTarget
	// InhibitEqualNever: an equal label one side never carries, or for
	// which the two sides never have the same value.
	InhibitEqualNever
)

// Finding is one problem found, at the alert rule (CatchAllOnly) or at the
// inhibit rule in the Alertmanager configuration.
type Finding struct {
	position.Range
	Kind    Kind
	Message string
	// Alerts are the alerting rules the finding concerns: the alert
	// itself (CatchAllOnly), the alerts the inhibit rule would silence
	// (InhibitNoSource, InhibitEqualNever) or would be triggered by
	// (InhibitNoTarget).
	Alerts []Alert
}

// Inhibitor is an inhibit rule that could silence an alert.
type Inhibitor struct {
	Line    int
	Sources []string
}

// Routed is one alert with what Alertmanager would do with it.
type Routed struct {
	Alert
	Routes     []routing.Route
	Inhibitors []Inhibitor
	// DependsOn are labels route matchers read whose values are not known
	// here: the routes shown assume they are absent.
	DependsOn []string
}

// Report is the analysis of a set of alerts.
type Report struct {
	Alerts   []Routed
	Findings []Finding
}

// Analyze routes each alert and checks the inhibit rules.
func Analyze(cfg *routing.Config, alerts []Alert) Report {
	var rep Report
	routeLabels := routeMatcherLabels(cfg)
	for _, a := range alerts {
		ls := model.LabelSet{}
		for k, v := range a.Values {
			ls[model.LabelName(k)] = model.LabelValue(v)
		}
		r := Routed{Alert: a, Routes: cfg.Match(ls)}
		for _, l := range routeLabels {
			if a.unknown(l) {
				r.DependsOn = append(r.DependsOn, l)
			}
		}
		if routing.OnlyRoot(r.Routes) && len(r.DependsOn) == 0 {
			rep.Findings = append(rep.Findings, Finding{Range: a.Pos, Kind: CatchAllOnly, Alerts: []Alert{a},
				Message: fmt.Sprintf("alert %s reaches only the root (catch-all) receiver %q of %s: no route matches it", a.Name, r.Routes[0].Receiver, cfg.File)})
		}
		rep.Alerts = append(rep.Alerts, r)
	}
	for i, cr := range cfg.AM.InhibitRules {
		rule := inhibit.NewInhibitRule(cr)
		line := cfg.InhibitRuleLine(i)
		at := position.Range{File: cfg.File, Line: line}
		sources := possible(rule.SourceMatchers, alerts)
		targets := possible(rule.TargetMatchers, alerts)
		switch {
		case len(sources) == 0:
			rep.Findings = append(rep.Findings, Finding{Range: at, Kind: InhibitNoSource, Alerts: targets, Message: fmt.Sprintf("inhibit rule: no alerting rule can produce a source alert (%s)", rule.SourceMatchers)})
			continue
		case len(targets) == 0:
			rep.Findings = append(rep.Findings, Finding{Range: at, Kind: InhibitNoTarget, Alerts: sources, Message: fmt.Sprintf("inhibit rule: no alerting rule can produce a target alert (%s)", rule.TargetMatchers)})
			continue
		}
		never := false
		for _, l := range sortedEqual(rule.Equal) {
			if msg := equalNever(l, sources, targets); msg != "" {
				rep.Findings = append(rep.Findings, Finding{Range: at, Kind: InhibitEqualNever, Alerts: targets, Message: "inhibit rule: " + msg + ": this inhibition never happens"})
				never = true
			}
		}
		if never {
			continue
		}
		src := names(sources)
		for j := range rep.Alerts {
			if slices.ContainsFunc(targets, func(t Alert) bool { return t.Name == rep.Alerts[j].Name && t.Pos == rep.Alerts[j].Pos }) {
				rep.Alerts[j].Inhibitors = append(rep.Alerts[j].Inhibitors, Inhibitor{Line: line, Sources: src})
			}
		}
	}
	return rep
}

// possible returns the alerts the matchers may match: no matcher on a
// label with a known value (or certainly absent, matched as empty) fails.
func possible(ms amlabels.Matchers, alerts []Alert) []Alert {
	var out []Alert
	for _, a := range alerts {
		if mayMatch(ms, a) {
			out = append(out, a)
		}
	}
	return out
}

func mayMatch(ms amlabels.Matchers, a Alert) bool {
	for _, m := range ms {
		if v, ok := a.Values[m.Name]; ok {
			if !m.Matches(v) {
				return false
			}
			continue
		}
		if a.lacks(m.Name) && !m.Matches("") {
			return false
		}
	}
	return true
}

// equalNever explains why an equal label can never be equal, or "".
func equalNever(l string, sources, targets []Alert) string {
	all := func(as []Alert, f func(Alert) bool) bool {
		return !slices.ContainsFunc(as, func(a Alert) bool { return !f(a) })
	}
	lacks := func(a Alert) bool { return a.lacks(l) }
	carries := func(a Alert) bool { return a.carries(l) }
	switch {
	case all(sources, lacks) && all(targets, carries):
		return fmt.Sprintf("equal label %s: the source alerts (%s) never carry it and the target alerts (%s) always do", l, strings.Join(names(sources), ", "), strings.Join(names(targets), ", "))
	case all(targets, lacks) && all(sources, carries):
		return fmt.Sprintf("equal label %s: the target alerts (%s) never carry it and the source alerts (%s) always do", l, strings.Join(names(targets), ", "), strings.Join(names(sources), ", "))
	}
	sv, sok := knownValues(l, sources)
	tv, tok := knownValues(l, targets)
	if sok && tok && !slices.ContainsFunc(sv, func(v string) bool { return slices.Contains(tv, v) }) {
		return fmt.Sprintf("equal label %s: the source alerts have %s, the target alerts %s", l, strings.Join(sv, ", "), strings.Join(tv, ", "))
	}
	return ""
}

// knownValues returns the values of l if every alert has a known value.
func knownValues(l string, as []Alert) ([]string, bool) {
	var out []string
	for _, a := range as {
		v, ok := a.Values[l]
		if !ok {
			return nil, false
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out, true
}

func names(as []Alert) []string {
	var out []string
	for _, a := range as {
		if !slices.Contains(out, a.Name) {
			out = append(out, a.Name)
		}
	}
	return out
}

func sortedEqual(eq map[model.LabelName]struct{}) []string {
	var out []string
	for l := range eq {
		out = append(out, string(l))
	}
	sort.Strings(out)
	return out
}

// routeMatcherLabels lists the labels any route's matchers read.
func routeMatcherLabels(cfg *routing.Config) []string {
	var out []string
	cfg.Root.Walk(func(r *dispatch.Route) {
		for _, m := range r.Matchers {
			if !slices.Contains(out, m.Name) {
				out = append(out, m.Name)
			}
		}
	})
	sort.Strings(out)
	return out
}

package chart

import (
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// expectation is what a test group expects of its alerts: a timeline, or
// the firing alerts at each promtool eval_time.
type expectation struct {
	timeline      []harness.Episode
	hasTimeline   bool
	allowUnlisted bool
	points        map[string][]point
	alerts        map[string]bool
}

// point is what a promtool alert test expects at its eval_time: exactly
// these label sets firing.
type point struct {
	at     time.Duration
	firing []labels.Labels
}

func expectations(tr *harness.TestResult) *expectation {
	e := &expectation{timeline: tr.Expected, hasTimeline: tr.Expected != nil, points: map[string][]point{}, alerts: map[string]bool{}}
	for _, ep := range tr.Expected {
		e.alerts[ep.Alert] = true
	}
	for _, ch := range tr.Checked {
		switch a := ch.Assertion.(type) {
		case fixture.Timeline:
			e.allowUnlisted = a.AllowUnlisted
		case fixture.AlertTest:
			p := point{at: a.EvalTime}
			for _, ea := range a.ExpAlerts {
				lb := labels.NewBuilder(labels.FromMap(ea.Labels))
				lb.Del(labels.AlertName)
				p.firing = append(p.firing, lb.Labels())
			}
			e.points[a.Alertname] = append(e.points[a.Alertname], p)
			e.alerts[a.Alertname] = true
		}
	}
	return e
}

func (e *expectation) about(alert string) bool { return e.alerts[alert] }

// labelSets are the label sets an alert had or was expected to have.
func (e *expectation) labelSets(rh *harness.RuleHistory) []labels.Labels {
	var sets []labels.Labels
	add := func(ls labels.Labels) {
		if !slices.ContainsFunc(sets, func(o labels.Labels) bool { return labels.Equal(o, ls) }) {
			sets = append(sets, ls)
		}
	}
	for _, ep := range rh.Episodes {
		add(ep.Labels)
	}
	for _, ep := range e.timeline {
		if ep.Alert == rh.Name {
			add(ep.Labels)
		}
	}
	for _, p := range e.points[rh.Name] {
		for _, ls := range p.firing {
			add(ls)
		}
	}
	slices.SortFunc(sets, labels.Compare)
	return sets
}

// expected returns the expected states of a label set at each instant, nil
// when nothing is expected of it.
func (e *expectation) expected(alert string, ls labels.Labels, at []time.Duration) []State {
	switch {
	case e.hasTimeline && (e.alerts[alert] || !e.allowUnlisted):
		out := make([]State, len(at))
		for i, t := range at {
			out[i] = stateAt(e.timeline, alert, ls, t)
		}
		return out
	case len(e.points[alert]) > 0:
		out := make([]State, len(at))
		for _, p := range e.points[alert] {
			// promtool checks after the last evaluation at or before
			// eval_time.
			i, found := slices.BinarySearch(at, p.at)
			if !found {
				i--
			}
			if i < 0 {
				continue
			}
			out[i] = NotFiring
			if slices.ContainsFunc(p.firing, func(o labels.Labels) bool { return labels.Equal(o, ls) }) {
				out[i] = Firing
			}
		}
		return out
	}
	return nil
}

// stateAt is the state of an instance at t in a list of episodes.
func stateAt(eps []harness.Episode, alert string, ls labels.Labels, t time.Duration) State {
	for _, ep := range eps {
		if ep.Alert != alert || !labels.Equal(ep.Labels, ls) || t < ep.Pending || ep.Resolved != nil && t >= *ep.Resolved {
			continue
		}
		if ep.Firing != nil && t >= *ep.Firing {
			return Firing
		}
		return Pending
	}
	return Inactive
}

// bands draws, per label set, the expected and actual states of an alert
// at each evaluation of its rule.
func bands(rh *harness.RuleHistory, e *expectation) []Band {
	at := evalInstants(rh)
	var out []Band
	for _, ls := range e.labelSets(rh) {
		b := Band{Labels: ls.String(), At: at, Actual: make([]State, len(at)), Expected: e.expected(rh.Name, ls, at)}
		for i, t := range at {
			b.Actual[i] = State(rh.StateAt(ls, t) + 1)
		}
		b.Sparse = b.Expected != nil && !e.hasTimeline
		b.FirstDiff = diffAt(b.Expected, b.Actual)
		out = append(out, b)
	}
	return out
}

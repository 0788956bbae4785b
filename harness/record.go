package harness

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/tsdb/chunkenc"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

// History is what happened in one replay, recorded as it ran: when each
// rule was evaluated, every alert instance's episodes (its state at every
// evaluation follows from them) and, with Options.RecordOutputs, every
// recording rule's output series. It is the one place that answers "what
// happened": the report, --debug and the failure messages read it.
type History struct {
	// Start is the time of the replay's first evaluation; every time below
	// is relative to it.
	Start time.Time
	// Rules are the rules evaluated, in the order of their first evaluation.
	Rules []*RuleHistory
}

// RuleHistory is what one rule did during a replay.
type RuleHistory struct {
	// File and Group are where the rule is loaded from; Index is its
	// position among the group's rules in the file. Resource is the
	// PrometheusRule ("namespace/name") the group is in, empty for a plain
	// rule file: one file may hold several, each with a group of one name.
	File, Resource, Group, Name string
	Index                       int
	Alerting                    bool
	// Evaluations are the instants it was evaluated, as runs of equally
	// spaced instants.
	Evaluations []EvalRun
	// Episodes are its alert instances' episodes (alerting rules), in the
	// order they ended (those still active last).
	Episodes []Episode
	// Output is what a recording rule wrote, per series (only with
	// Options.RecordOutputs).
	Output []SeriesOutput
}

// EvalRun is N evaluations, the first at From and each Every after the
// previous one.
type EvalRun struct {
	From, Every time.Duration
	N           int
}

// SeriesOutput is one series a recording rule wrote: its samples' times
// (relative to the start) and float values; a histogram sample is NaN.
type SeriesOutput struct {
	Labels labels.Labels
	At     []time.Duration
	Values []float64
}

// AlertState is the state of an alert instance at one evaluation.
type AlertState int

// The states of an alert instance, as Prometheus names them.
const (
	Inactive AlertState = iota
	Pending
	Firing
)

func (s AlertState) String() string { return [...]string{"inactive", "pending", "firing"}[s] }

// EvaluatedAt reports whether the rule was evaluated at t.
func (rh *RuleHistory) EvaluatedAt(t time.Duration) bool {
	for _, r := range rh.Evaluations {
		if t >= r.From && (r.N == 1 && t == r.From || r.Every > 0 && (t-r.From)%r.Every == 0 && (t-r.From)/r.Every < time.Duration(r.N)) {
			return true
		}
	}
	return false
}

// StateAt returns the state, after the evaluation at t, of the alert
// instance with the given labels (without alertname).
func (rh *RuleHistory) StateAt(lset labels.Labels, t time.Duration) AlertState {
	for _, ep := range rh.Episodes {
		if !labels.Equal(ep.Labels, lset) || t < ep.Pending || ep.Resolved != nil && t >= *ep.Resolved {
			continue
		}
		if ep.Firing != nil && t >= *ep.Firing {
			return Firing
		}
		return Pending
	}
	return Inactive
}

// Episodes returns every alert episode of the replay, sorted by alert,
// labels and time.
func (h *History) Episodes() []Episode {
	var out []Episode
	for _, rh := range h.Rules {
		out = append(out, rh.Episodes...)
	}
	sortEpisodes(out)
	return out
}

// recorder writes a History during a replay.
type recorder struct {
	h *History
	// origin maps a rule variant (see annotations.go) to the rule it
	// stands for.
	origin func(rules.Rule) rules.Rule
	// unit maps a group's File (a rulefile.Unit's ID) to its file and
	// resource.
	unit func(id string) rulefile.Unit
	// index is, per rule evaluated, its position in its group in the file.
	index map[rules.Rule]int
	rules map[rules.Rule]*RuleHistory
	open  map[rules.Rule]map[uint64]*openEpisode
	// states keeps, per alert name, a line per state change for failure
	// messages.
	states map[string][]stateChange
}

type openEpisode struct {
	ep       Episode
	activeAt time.Time
	seen     bool
}

type stateChange struct {
	at   time.Time
	text string
}

func newRecorder(start time.Time, origin func(rules.Rule) rules.Rule, unit func(string) rulefile.Unit) *recorder {
	return &recorder{
		h: &History{Start: start}, origin: origin, unit: unit, index: map[rules.Rule]int{}, rules: map[rules.Rule]*RuleHistory{},
		open: map[rules.Rule]map[uint64]*openEpisode{}, states: map[string][]stateChange{},
	}
}

func (rc *recorder) rel(t time.Time) time.Duration { return t.Sub(rc.h.Start) }

// evaluated records that a group evaluated its rules at ts, and the alert
// states that evaluation left.
func (rc *recorder) evaluated(g *rules.Group, ts time.Time) {
	for _, r := range g.Rules() {
		rh := rc.rule(g, r)
		rh.Evaluations = addEval(rh.Evaluations, rc.rel(ts))
		if ar, ok := r.(*rules.AlertingRule); ok {
			rc.observe(g, ar, ts)
		}
	}
}

func (rc *recorder) rule(g *rules.Group, r rules.Rule) *RuleHistory {
	key := rc.origin(r)
	rh := rc.rules[key]
	if rh == nil {
		_, alerting := r.(*rules.AlertingRule)
		u := rc.unit(g.File())
		rh = &RuleHistory{File: u.Path, Resource: u.Resource, Group: g.Name(), Name: r.Name(), Index: rc.index[key], Alerting: alerting}
		rc.rules[key] = rh
		rc.h.Rules = append(rc.h.Rules, rh)
	}
	return rh
}

func addEval(runs []EvalRun, t time.Duration) []EvalRun {
	if n := len(runs); n > 0 {
		last := &runs[n-1]
		switch {
		case last.N == 1 && t > last.From:
			last.Every, last.N = t-last.From, 2
			return runs
		case last.N > 1 && t == last.From+time.Duration(last.N)*last.Every:
			last.N++
			return runs
		}
	}
	return append(runs, EvalRun{From: t, N: 1})
}

// observe records the state of an alerting rule after its group's
// evaluation at ts.
func (rc *recorder) observe(g *rules.Group, ar *rules.AlertingRule, ts time.Time) {
	key := rc.origin(ar)
	open := rc.open[key]
	if open == nil {
		open = map[uint64]*openEpisode{}
		rc.open[key] = open
	}
	for _, oe := range open {
		oe.seen = false
	}
	// ActiveAlerts comes from a map: take it in label order, so that the
	// state changes noted for failure messages are in the same order every
	// run.
	active := ar.ActiveAlerts()
	slices.SortFunc(active, func(a, b *rules.Alert) int { return labels.Compare(a.Labels, b.Labels) })
	for _, a := range active {
		h := a.Labels.Hash()
		oe := open[h]
		if oe != nil && !oe.activeAt.Equal(a.ActiveAt) {
			rc.close(key, oe, ts)
			oe = nil
		}
		if oe == nil {
			lb := labels.NewBuilder(a.Labels)
			lb.Del(labels.AlertName)
			oe = &openEpisode{activeAt: a.ActiveAt, ep: Episode{
				Alert: ar.Name(), Labels: lb.Labels(), Pending: rc.rel(a.ActiveAt),
				Annotations: a.Annotations.Copy(), Group: g.Name(),
			}}
			open[h] = oe
			rc.note(ar.Name(), ts, fmt.Sprintf("%s pending (active since %s)", oe.ep.Alert+oe.ep.Labels.String(), fixture.FormatDuration(oe.ep.Pending)))
		}
		oe.seen = true
		if a.State == rules.StateFiring && oe.ep.Firing == nil {
			f := rc.rel(a.FiredAt)
			oe.ep.Firing = &f
			oe.ep.Annotations = a.Annotations.Copy()
			rc.note(ar.Name(), ts, fmt.Sprintf("%s firing (since %s)", oe.ep.Alert+oe.ep.Labels.String(), fixture.FormatDuration(f)))
		}
	}
	for _, h := range slices.Sorted(maps.Keys(open)) {
		if oe := open[h]; !oe.seen {
			rc.close(key, oe, ts)
			delete(open, h)
		}
	}
}

func (rc *recorder) close(key rules.Rule, oe *openEpisode, ts time.Time) {
	r := rc.rel(ts)
	oe.ep.Resolved = &r
	rh := rc.rules[key]
	rh.Episodes = append(rh.Episodes, oe.ep)
	rc.note(oe.ep.Alert, ts, fmt.Sprintf("%s resolved", oe.ep.Alert+oe.ep.Labels.String()))
}

func (rc *recorder) note(name string, ts time.Time, text string) {
	rc.states[name] = append(rc.states[name], stateChange{at: ts, text: text})
}

// finish closes the record at the end of the replay: episodes still open
// are added, still active.
func (rc *recorder) finish() *History {
	for key, open := range rc.open {
		rh := rc.rules[key]
		for _, h := range slices.Sorted(maps.Keys(open)) {
			rh.Episodes = append(rh.Episodes, open[h].ep)
		}
	}
	rc.open = map[rules.Rule]map[uint64]*openEpisode{}
	return rc.h
}

// history describes an alert's state changes up to t, for failure messages.
func (rc *recorder) history(name string, t time.Time) string {
	var b strings.Builder
	n := 0
	for _, sc := range rc.states[name] {
		if sc.at.After(t) {
			break
		}
		n++
	}
	changes := rc.states[name][:n]
	if len(changes) > 10 {
		changes = changes[len(changes)-10:]
	}
	for _, sc := range changes {
		fmt.Fprintf(&b, "%s: %s\n", fixture.FormatDuration(rc.rel(sc.at)), sc.text)
	}
	if n == 0 {
		return fmt.Sprintf("%s was never pending or firing\n", textsafe.Escape(name))
	}
	return b.String()
}

// recordOutputs copies every recording rule's output series from the
// store into the history.
func (rp *replay) recordOutputs(h *History) {
	q, err := rp.store.Querier(math.MinInt64, math.MaxInt64)
	if err != nil {
		return
	}
	defer q.Close()
	for _, rh := range h.Rules {
		if rh.Alerting {
			continue
		}
		ss := q.Select(context.Background(), true, nil, labels.MustNewMatcher(labels.MatchEqual, labels.MetricName, rh.Name))
		for ss.Next() {
			s := ss.At()
			out := SeriesOutput{Labels: s.Labels()}
			it := s.Iterator(nil)
			for vt := it.Next(); vt != chunkenc.ValNone; vt = it.Next() {
				t, v := it.AtT(), math.NaN()
				if vt == chunkenc.ValFloat {
					_, v = it.At()
				}
				out.At = append(out.At, rp.rel(t))
				out.Values = append(out.Values, v)
			}
			rh.Output = append(rh.Output, out)
		}
	}
}

// rel converts a storage timestamp to a time relative to the start.
func (rp *replay) rel(ms int64) time.Duration {
	return time.Duration(ms)*time.Millisecond - time.Duration(rp.start.UnixNano())
}

package backtesthtml

import (
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/internal/chart"
)

// bands draws one band per label set of the alert's episodes: its state
// over the range, with a baseline the baseline's state above it.
func (d *drawing) bands(alert string, eps, baseEps []backtest.Episode, withBaseline bool) []chart.Band {
	sets := labelSets(eps, baseEps)
	if len(sets) > d.opts.MaxBands {
		d.note("%d of the %d label sets drawn", d.opts.MaxBands, len(sets))
		sets = sets[:d.opts.MaxBands]
	}
	var out []chart.Band
	for _, ls := range sets {
		mine, base := sameLabels(eps, ls), sameLabels(baseEps, ls)
		at := d.changes(append(slices.Clone(mine), base...))
		b := chart.Band{Labels: withoutName(ls).String(), At: at, Actual: d.states(mine, at), FirstDiff: -1, ActualName: "state"}
		if withBaseline {
			b.Expected, b.ExpectedName, b.ActualName = d.states(base, at), "before", "after"
			b.FirstDiff = firstDiff(b.Expected, b.Actual)
		}
		out = append(out, b)
	}
	return out
}

// labelSets are the label sets of the episodes, sorted.
func labelSets(lists ...[]backtest.Episode) []labels.Labels {
	var sets []labels.Labels
	for _, eps := range lists {
		for _, e := range eps {
			if !slices.ContainsFunc(sets, func(o labels.Labels) bool { return labels.Equal(o, e.Labels) }) {
				sets = append(sets, e.Labels)
			}
		}
	}
	slices.SortFunc(sets, labels.Compare)
	return sets
}

func sameLabels(eps []backtest.Episode, ls labels.Labels) []backtest.Episode {
	var out []backtest.Episode
	for _, e := range eps {
		if labels.Equal(e.Labels, ls) {
			out = append(out, e)
		}
	}
	return out
}

func withoutName(ls labels.Labels) labels.Labels {
	return labels.NewBuilder(ls).Del(labels.AlertName).Labels()
}

// changes are the instants on the axis where a state may change: 0 and
// each episode's times within the range.
func (d *drawing) changes(eps []backtest.Episode) []time.Duration {
	at := []time.Duration{0}
	for _, e := range eps {
		for _, t := range []time.Time{e.Pending, e.Firing, e.Resolved} {
			if !t.IsZero() && t.After(d.from) && !t.After(d.to) {
				at = append(at, t.Sub(d.from))
			}
		}
	}
	slices.Sort(at)
	return slices.Compact(at)
}

// states gives the state the episodes make at each instant.
func (d *drawing) states(eps []backtest.Episode, at []time.Duration) []chart.State {
	out := make([]chart.State, len(at))
	for i, t := range at {
		out[i] = stateAt(eps, d.from.Add(t))
	}
	return out
}

// stateAt is the state at t of one label set's episodes. An episode
// with no pending time was firing from the start.
func stateAt(eps []backtest.Episode, t time.Time) chart.State {
	for _, e := range eps {
		start := e.Pending
		if start.IsZero() {
			start = e.Firing
		}
		if t.Before(start) || !e.Resolved.IsZero() && !t.Before(e.Resolved) {
			continue
		}
		if !e.Firing.IsZero() && !t.Before(e.Firing) {
			return chart.Firing
		}
		return chart.Pending
	}
	return chart.Inactive
}

func firstDiff(expected, actual []chart.State) int {
	for i := range actual {
		if chart.Differs(expected[i], actual[i]) {
			return i
		}
	}
	return -1
}

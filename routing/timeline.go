package routing

import (
	"slices"
	"time"

	"github.com/prometheus/common/model"
)

// Firing is one episode of an alert as Alertmanager holds it: active from
// From (when Prometheus first sent it firing) until To, exclusive (when
// Prometheus sent it resolved). Open means it was still firing at End.
type Firing struct {
	Labels   model.LabelSet
	From, To time.Duration
	Open     bool
}

// Span is an interval of a firing episode during which the alert was
// inhibited, and by which other episodes (indices into the episodes
// given to Inhibitions). Open means until the end of the episode.
type Span struct {
	From, To time.Duration
	Open     bool
	By       []int
}

// Inhibitions returns, for every episode, the spans during which it was
// inhibited. The episodes are cut into intervals at every instant one
// starts or ends; within an interval the set of active alerts is fixed, and
// Inhibited decides for it. Adjacent intervals with the same inhibitors are
// merged.
func (c *Config) Inhibitions(fs []Firing) [][]Span {
	out := make([][]Span, len(fs))
	cuts := boundaries(fs)
	for k, at := range cuts {
		var idx []int
		var active []model.LabelSet
		for i, f := range fs {
			if f.From <= at && (f.Open || at < f.To) {
				idx = append(idx, i)
				active = append(active, f.Labels)
			}
		}
		end, open := time.Duration(0), k == len(cuts)-1
		if !open {
			end = cuts[k+1]
		}
		for j, by := range c.Inhibited(active) {
			if by == nil {
				continue
			}
			mapped := make([]int, len(by))
			for n, b := range by {
				mapped[n] = idx[b]
			}
			slices.Sort(mapped)
			out[idx[j]] = extend(out[idx[j]], Span{From: at, To: end, Open: open, By: mapped})
		}
	}
	return out
}

func extend(spans []Span, s Span) []Span {
	if n := len(spans); n > 0 && !spans[n-1].Open && spans[n-1].To == s.From && slices.Equal(spans[n-1].By, s.By) {
		spans[n-1].To, spans[n-1].Open = s.To, s.Open
		return spans
	}
	return append(spans, s)
}

// boundaries returns every instant an episode starts or ends, sorted.
func boundaries(fs []Firing) []time.Duration {
	var out []time.Duration
	for _, f := range fs {
		out = append(out, f.From)
		if !f.Open {
			out = append(out, f.To)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

package backtest

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/prometheus/rules"
)

// tracker turns the alert states Prometheus's rules hold after each
// evaluation into episodes.
type tracker struct {
	// open holds, per alert name and labels hash, the episode in course.
	open map[string]map[uint64]*Episode
	done []Episode
}

func newTracker() *tracker { return &tracker{open: map[string]map[uint64]*Episode{}} }

// observe reads the rule's alerts after its evaluation at ts.
func (tr *tracker) observe(a *rules.AlertingRule, ts time.Time) {
	open := tr.open[a.Name()]
	if open == nil {
		open = map[uint64]*Episode{}
		tr.open[a.Name()] = open
	}
	seen := map[uint64]bool{}
	a.ForEachActiveAlert(func(al *rules.Alert) {
		h := al.Labels.Hash()
		ep := open[h]
		if ep != nil && !ep.Pending.Equal(al.ActiveAt) {
			// A new life of the alert before the old one was seen to end.
			tr.close(open, h, ts)
			ep = nil
		}
		if al.State == rules.StateInactive {
			if ep != nil {
				ep.Resolved = al.ResolvedAt
				tr.close(open, h, time.Time{})
			}
			return
		}
		seen[h] = true
		if ep == nil {
			ep = &Episode{Alert: a.Name(), Labels: al.Labels, Pending: al.ActiveAt}
			open[h] = ep
		}
		if al.State == rules.StateFiring && ep.Firing.IsZero() {
			ep.Firing = al.FiredAt
		}
	})
	for h := range open {
		if !seen[h] {
			// A pending alert whose condition ended: Prometheus drops it.
			tr.close(open, h, ts)
		}
	}
}

// close ends the open episode h, at end unless it already has a Resolved.
func (tr *tracker) close(open map[uint64]*Episode, h uint64, end time.Time) {
	ep := open[h]
	delete(open, h)
	if ep.Resolved.IsZero() {
		ep.Resolved = end
	}
	tr.done = append(tr.done, *ep)
}

// episodes returns every episode not over by from (the warm-up's), open
// ones last seen unresolved, ordered by start (ties by labels) and
// numbered per alert.
func (tr *tracker) episodes(from time.Time) []Episode {
	out := slices.DeleteFunc(slices.Clone(tr.done), func(e Episode) bool { return !e.Resolved.After(from) })
	for _, open := range tr.open {
		for _, ep := range open {
			out = append(out, *ep)
		}
	}
	slices.SortFunc(out, func(a, b Episode) int {
		if c := a.Pending.Compare(b.Pending); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Alert, b.Alert); c != 0 {
			return c
		}
		return cmp.Compare(a.Labels.String(), b.Labels.String())
	})
	n := map[string]int{}
	for i := range out {
		n[out[i].Alert]++
		out[i].ID = out[i].Alert + "-" + strconv.Itoa(n[out[i].Alert])
	}
	return out
}

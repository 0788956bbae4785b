package backtest

import (
	"slices"
	"time"
)

// AlertStats sums up one alert's episodes over the range.
type AlertStats struct {
	Alert string
	// Episodes counts the episodes that fired; PendingOnly those that
	// went pending and ended without firing.
	Episodes    int
	PendingOnly int
	// FiringTime is the time spent firing, summed over label sets;
	// MedianFiring is the median firing time of one episode.
	FiringTime   time.Duration
	MedianFiring time.Duration
	// Flaps counts episodes that started firing within the flap window
	// after the previous episode of the same labels resolved.
	Flaps int
	// FiringShare is the share of the range during which at least one of
	// the alert's label sets was firing, from 0 to 1.
	FiringShare float64
}

// firingSpan is when an episode fired within [from, to]; ok is false when
// it never fired.
func (e Episode) firingSpan(from, to time.Time) (start, end time.Time, ok bool) {
	if e.Firing.IsZero() {
		return time.Time{}, time.Time{}, false
	}
	start, end = e.Firing, e.Resolved
	if start.Before(from) {
		start = from
	}
	if end.IsZero() || end.After(to) {
		end = to
	}
	if end.Before(start) {
		end = start
	}
	return start, end, true
}

// stats computes the statistics of each alert, in the order of names.
func stats(names []string, eps []Episode, from, to time.Time, flapWindow time.Duration) []AlertStats {
	out := make([]AlertStats, 0, len(names))
	for _, name := range names {
		var mine []Episode
		for _, e := range eps {
			if e.Alert == name {
				mine = append(mine, e)
			}
		}
		out = append(out, alertStats(name, mine, from, to, flapWindow))
	}
	return out
}

func alertStats(name string, eps []Episode, from, to time.Time, flapWindow time.Duration) AlertStats {
	st := AlertStats{Alert: name}
	var durs []time.Duration
	var spans [][2]time.Time
	lastResolved := map[string]time.Time{}
	for _, e := range eps {
		s, end, ok := e.firingSpan(from, to)
		if !ok {
			st.PendingOnly++
			continue
		}
		st.Episodes++
		durs = append(durs, end.Sub(s))
		spans = append(spans, [2]time.Time{s, end})
		key := e.Labels.String()
		if r, seen := lastResolved[key]; seen && !r.IsZero() && s.Sub(r) <= flapWindow {
			st.Flaps++
		}
		lastResolved[key] = e.Resolved
	}
	for _, d := range durs {
		st.FiringTime += d
	}
	st.MedianFiring = median(durs)
	if total := to.Sub(from); total > 0 {
		st.FiringShare = float64(union(spans)) / float64(total)
	}
	return st
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// union is the length of the union of the spans.
func union(spans [][2]time.Time) time.Duration {
	slices.SortFunc(spans, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	var total time.Duration
	var cur [2]time.Time
	for i, s := range spans {
		switch {
		case i == 0:
			cur = s
		case !s[0].After(cur[1]):
			if s[1].After(cur[1]) {
				cur[1] = s[1]
			}
		default:
			total += cur[1].Sub(cur[0])
			cur = s
		}
	}
	if len(spans) > 0 {
		total += cur[1].Sub(cur[0])
	}
	return total
}

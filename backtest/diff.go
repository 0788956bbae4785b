package backtest

import (
	"slices"
	"time"
)

// Diff is what changing the rules changed, per alert, over the same data.
type Diff struct {
	// Alerts lists the alerts of the new rules in their order, then those
	// only the baseline has.
	Alerts []AlertDiff
}

// AlertDiff compares one alert's episodes before and after.
type AlertDiff struct {
	Alert string
	// Before and After are the alert's statistics under the baseline and
	// the new rules (zero when that side has no such alert).
	Before, After AlertStats
	// InBaseline and InNew say which rule sets define the alert.
	InBaseline, InNew bool
	// Added are episodes only the new rules have; Removed only the
	// baseline's; Shifted are episodes of the same labels that overlap in
	// time but start, fire or resolve at other times.
	Added, Removed []Episode
	Shifted        []Shift
}

// Changed reports whether anything differs.
func (d AlertDiff) Changed() bool {
	return len(d.Added)+len(d.Removed)+len(d.Shifted) > 0 || d.InBaseline != d.InNew
}

// Shift is one episode as the baseline and the new rules have it.
type Shift struct {
	Before, After Episode
}

// Compare compares the report of the new rules with the baseline's.
func Compare(baseline, current *Report) Diff {
	var d Diff
	seen := map[string]bool{}
	for _, a := range current.Alerts {
		seen[a.Alert] = true
		d.Alerts = append(d.Alerts, compareAlert(a.Alert, baseline, current))
	}
	for _, a := range baseline.Alerts {
		if !seen[a.Alert] {
			d.Alerts = append(d.Alerts, compareAlert(a.Alert, baseline, current))
		}
	}
	return d
}

func compareAlert(name string, baseline, current *Report) AlertDiff {
	d := AlertDiff{Alert: name}
	d.Before, d.InBaseline = baseline.stats(name)
	d.After, d.InNew = current.stats(name)
	old, cur := baseline.episodesOf(name), current.episodesOf(name)
	matched := make([]bool, len(old))
	for _, e := range cur {
		i := slices.IndexFunc(old, func(o Episode) bool { return o.overlaps(e, current.To) })
		for i >= 0 && matched[i] {
			j := slices.IndexFunc(old[i+1:], func(o Episode) bool { return o.overlaps(e, current.To) })
			if j < 0 {
				i = -1
				break
			}
			i += j + 1
		}
		switch {
		case i < 0:
			d.Added = append(d.Added, e)
		case !sameTimes(old[i], e):
			matched[i] = true
			d.Shifted = append(d.Shifted, Shift{Before: old[i], After: e})
		default:
			matched[i] = true
		}
	}
	for i, o := range old {
		if !matched[i] {
			d.Removed = append(d.Removed, o)
		}
	}
	return d
}

func (r *Report) stats(name string) (AlertStats, bool) {
	for _, a := range r.Alerts {
		if a.Alert == name {
			return a, true
		}
	}
	return AlertStats{Alert: name}, false
}

func (r *Report) episodesOf(name string) []Episode {
	var out []Episode
	for _, e := range r.Episodes {
		if e.Alert == name {
			out = append(out, e)
		}
	}
	return out
}

// overlaps reports whether two episodes have the same labels and share
// some time (an open episode lasting to to).
func (e Episode) overlaps(o Episode, to time.Time) bool {
	if !labelsEqual(e, o) {
		return false
	}
	return !e.Pending.After(o.end(to)) && !o.Pending.After(e.end(to))
}

func (e Episode) end(to time.Time) time.Time {
	if e.Resolved.IsZero() {
		return to
	}
	return e.Resolved
}

func labelsEqual(a, b Episode) bool {
	return a.Labels.Hash() == b.Labels.Hash() && a.Labels.String() == b.Labels.String()
}

func sameTimes(a, b Episode) bool {
	return a.Pending.Equal(b.Pending) && a.Firing.Equal(b.Firing) && a.Resolved.Equal(b.Resolved)
}

package backtest

import (
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/stretchr/testify/assert"
)

func TestCompare(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	a := labels.FromStrings("alertname", "A", "i", "a")
	b := labels.FromStrings("alertname", "A", "i", "b")
	ep := func(id string, l labels.Labels, p, f, r int) Episode {
		e := Episode{ID: id, Alert: "A", Labels: l, Pending: at(p), Firing: at(f)}
		if r >= 0 {
			e.Resolved = at(r)
		}
		return e
	}
	same := ep("A-1", a, 0, 5, 10)
	before := &Report{From: at(0), To: at(100),
		Episodes: []Episode{same, ep("A-2", a, 20, 25, 30), ep("A-3", b, 40, 45, 50), {ID: "Gone-1", Alert: "Gone", Labels: a, Pending: at(1)}},
		Alerts:   []AlertStats{{Alert: "A", Episodes: 3}, {Alert: "Gone", PendingOnly: 1}}}
	after := &Report{From: at(0), To: at(100),
		Episodes: []Episode{same, ep("A-2", a, 20, 27, -1), ep("A-3", b, 60, 61, 70)},
		Alerts:   []AlertStats{{Alert: "A", Episodes: 3}, {Alert: "New"}}}
	d := Compare(before, after)
	assert.Equal(t, []AlertDiff{
		{Alert: "A", Before: AlertStats{Alert: "A", Episodes: 3}, After: AlertStats{Alert: "A", Episodes: 3}, InBaseline: true, InNew: true,
			Added:   []Episode{ep("A-3", b, 60, 61, 70)},
			Removed: []Episode{ep("A-3", b, 40, 45, 50)},
			Shifted: []Shift{{Before: ep("A-2", a, 20, 25, 30), After: ep("A-2", a, 20, 27, -1)}}},
		{Alert: "New", Before: AlertStats{Alert: "New"}, After: AlertStats{Alert: "New"}, InNew: true},
		{Alert: "Gone", Before: AlertStats{Alert: "Gone", PendingOnly: 1}, After: AlertStats{Alert: "Gone"}, InBaseline: true,
			Removed: []Episode{{ID: "Gone-1", Alert: "Gone", Labels: a, Pending: at(1)}}},
	}, d.Alerts)
	assert.True(t, d.Alerts[1].Changed(), "a new alert is a change")
}

package routing

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/alertmanager/alert"
	"github.com/prometheus/alertmanager/eventrecorder"
	"github.com/prometheus/alertmanager/inhibit"
	"github.com/prometheus/alertmanager/labelset"
	"github.com/prometheus/alertmanager/marker"
	"github.com/prometheus/alertmanager/provider"
	"github.com/prometheus/common/model"
)

// Inhibited answers, for a set of alerts all active in Alertmanager at one
// instant, which of them are inhibited and by which of the others: the
// result's i-th element lists the indices of the alerts inhibiting
// active[i] (nil when it is not inhibited). The decision is the inhibit
// package's Inhibitor, fed exactly these alerts.
func (c *Config) Inhibited(active []model.LabelSet) [][]int {
	out := make([][]int, len(active))
	if len(c.AM.InhibitRules) == 0 || len(active) == 0 {
		return out
	}
	now := time.Now()
	alerts := make([]*alert.Alert, len(active))
	byFP := make(map[string]int, len(active))
	for i, ls := range active {
		alerts[i] = alert.New(model.Alert{Labels: ls, StartsAt: now}, now, false)
		byFP[alerts[i].Fingerprint().String()] = i
	}
	ih := inhibit.NewInhibitor(fixedAlerts(alerts), c.AM.InhibitRules, slog.New(slog.NewTextHandler(io.Discard, nil)), eventrecorder.NopRecorder())
	done := make(chan struct{})
	go func() { ih.Run(); close(done) }()
	ih.WaitForLoading()
	defer func() { ih.Stop(); <-done }()
	for i, ls := range active {
		m := marker.NewAlertMarker()
		ctx := marker.WithContext(context.Background(), m)
		set := labelset.FromModel(ls)
		if !ih.Mutes(ctx, set) {
			continue
		}
		for _, fp := range m.Status(set.Fingerprint()).InhibitedBy {
			if j, ok := byFP[fp]; ok {
				out[i] = append(out[i], j)
			}
		}
	}
	return out
}

// fixedAlerts is an alert provider holding a fixed set of active alerts,
// the way the inhibitor finds them in Alertmanager's store.
type fixedAlerts []*alert.Alert

func (f fixedAlerts) SlurpAndSubscribe(string) ([]*alert.Alert, provider.AlertIterator) {
	return f, provider.NewAlertIterator(nil, make(chan struct{}), nil)
}

func (f fixedAlerts) Subscribe(string) provider.AlertIterator {
	return provider.NewAlertIterator(nil, make(chan struct{}), nil)
}

func (f fixedAlerts) GetPending() provider.AlertIterator {
	return provider.NewAlertIterator(nil, make(chan struct{}), nil)
}

func (f fixedAlerts) Get(fp model.Fingerprint) (*alert.Alert, error) {
	for _, a := range f {
		if a.Fingerprint() == fp {
			return a, nil
		}
	}
	return nil, provider.ErrNotFound
}

func (f fixedAlerts) Put(context.Context, ...*alert.Alert) error { return nil }

package routing

import (
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/relabel"
)

// Sent returns the labels of an alert as Prometheus's notifier sends them
// to Alertmanager: the alert's labels (alertname included), plus each
// external label the alert does not already have, then the alert
// relabelling (Prometheus's relabel code). It returns false when the
// relabelling drops the alert, which then never reaches Alertmanager.
func Sent(alert, external labels.Labels, relabels []*relabel.Config) (model.LabelSet, bool) {
	lb := labels.NewBuilder(alert)
	external.Range(func(l labels.Label) {
		if alert.Get(l.Name) == "" {
			lb.Set(l.Name, l.Value)
		}
	})
	if !relabel.ProcessBuilder(lb, relabels...) {
		return nil, false
	}
	out := model.LabelSet{}
	lb.Labels().Range(func(l labels.Label) {
		out[model.LabelName(l.Name)] = model.LabelValue(l.Value)
	})
	return out, true
}

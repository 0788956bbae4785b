package backtest

import (
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

// Episode is one life of an alert for one label set: it went pending, may
// have fired, and may have resolved. A time is zero when that did not happen
// within the range (an alert already firing at the start has a zero
// Pending only if it was never seen pending; one still firing at the end has
// a zero Resolved).
type Episode struct {
	// ID is stable and readable: "<alertname>-<n>", n counting from 1 in
	// order of start (ties broken by the labels' string) across the whole
	// run. --to-fixture takes it.
	ID       string
	Alert    string
	Labels   labels.Labels
	Pending  time.Time
	Firing   time.Time
	Resolved time.Time
}

package routing

import (
	"slices"
	"sort"

	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/common/model"
)

// Route is one route an alert matched, as Alertmanager's dispatcher sees
// it: the receiver it notifies and how it groups alerts.
type Route struct {
	// Receiver is the route's receiver (inherited when it names none).
	Receiver string
	// GroupBy lists the labels alerts are grouped by, sorted; GroupByAll
	// is group_by: ['...'].
	GroupBy    []string
	GroupByAll bool
	// Line is the route's line in the configuration's file (0 if unknown).
	Line int
	// Root is true for the root route: the catch-all, reached by alerts
	// that no child route matched.
	Root bool
}

// Match returns the routes an alert with labels lset reaches, in
// Alertmanager's order, using dispatch.Route.Match (which follows continue).
func (c *Config) Match(lset model.LabelSet) []Route {
	matched := c.Root.Match(lset)
	out := make([]Route, len(matched))
	for i, r := range matched {
		out[i] = c.route(r)
	}
	return out
}

// Receivers returns the receivers an alert reaches, each once, in order.
func (c *Config) Receivers(lset model.LabelSet) []string {
	var out []string
	for _, r := range c.Match(lset) {
		if !slices.Contains(out, r.Receiver) {
			out = append(out, r.Receiver)
		}
	}
	return out
}

// OnlyRoot reports whether an alert reaches only the root (catch-all)
// route.
func OnlyRoot(routes []Route) bool {
	return len(routes) == 1 && routes[0].Root
}

func (c *Config) route(r *dispatch.Route) Route {
	out := Route{
		Receiver:   r.RouteOpts.Receiver,
		GroupByAll: r.RouteOpts.GroupByAll,
		Root:       r == c.Root,
		Line:       c.routeLine(r.Idx),
	}
	if out.GroupByAll {
		// The dispatcher groups by every label then, whatever group_by
		// the route inherited.
		return out
	}
	for ln := range r.RouteOpts.GroupBy {
		out.GroupBy = append(out.GroupBy, string(ln))
	}
	sort.Strings(out.GroupBy)
	return out
}

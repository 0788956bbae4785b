package harness

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/routing"
)

// alertmanagers loads each Alertmanager configuration once per Runner.
type alertmanagers struct {
	mtx     sync.Mutex
	configs map[string]*routing.Config
}

func (a *alertmanagers) load(path string) (*routing.Config, error) {
	a.mtx.Lock()
	defer a.mtx.Unlock()
	if c, ok := a.configs[path]; ok {
		return c, nil
	}
	c, err := routing.Load(path)
	if err != nil {
		return nil, err
	}
	if a.configs == nil {
		a.configs = map[string]*routing.Config{}
	}
	a.configs[path] = c
	return c, nil
}

// loadAlertmanagers loads the configurations a fixture names, so that a
// broken one is reported once for the file, as bad input.
func (r *Runner) loadAlertmanagers(f *Fixture) error {
	for _, tg := range f.Tests {
		if p := tg.Alertmanager.Value; p != "" {
			if _, err := r.ams.load(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// routed is one firing episode as Alertmanager receives it.
type routed struct {
	ep     Episode
	sent   model.LabelSet
	routes []routing.Route
	spans  []routing.Span
}

// checkRouting checks the timeline's receivers, group_by and inhibited
// against what Alertmanager's own routing and inhibition do with the
// alerts the replay produced, sent as Prometheus sends them. With --strict,
// an alert reaching only the root route, and an inhibited alert whose
// entry does not say so, fail.
func (rp *replay) checkRouting(res *TestResult) {
	path := rp.tg.Alertmanager.Value
	if path == "" {
		return
	}
	am, err := rp.r.ams.load(path)
	if err != nil {
		res.fail(rp.tg.Alertmanager.Line, err.Error())
		res.BadInput = true
		return
	}
	failed := len(res.Failures)
	firing := rp.firingEpisodes(am, res.Timeline)
	entries := pairEntries(rp.tg.Timeline, firing)
	for i, fe := range firing {
		rp.checkEntry(res, am, fe, entries[i], firing)
	}
	res.Checked = append(res.Checked, Checked{Assertion: fixture.Routing{Config: path}, Passed: len(res.Failures) == failed})
}

func (rp *replay) firingEpisodes(am *routing.Config, eps []Episode) []*routed {
	var out []*routed
	var fs []routing.Firing
	for _, ep := range eps {
		if ep.Firing == nil {
			continue
		}
		lb := labels.NewBuilder(ep.Labels)
		lb.Set(labels.AlertName, ep.Alert)
		sent, kept := routing.Sent(lb.Labels(), rp.tg.ExternalLabels, nil)
		if !kept {
			continue
		}
		f := routing.Firing{Labels: sent, From: *ep.Firing, Open: ep.Resolved == nil}
		if ep.Resolved != nil {
			f.To = *ep.Resolved
		}
		out = append(out, &routed{ep: ep, sent: sent, routes: am.Match(sent)})
		fs = append(fs, f)
	}
	for i, spans := range am.Inhibitions(fs) {
		out[i].spans = spans
	}
	return out
}

// pairEntries finds the timeline entry of each firing episode, pairing
// entries and episodes of one alert instance in order of time, as the
// timeline comparison does.
func pairEntries(entries []TimelineEntry, firing []*routed) []*TimelineEntry {
	out := make([]*TimelineEntry, len(firing))
	used := make([]bool, len(entries))
	for i, fe := range firing {
		for j := range entries {
			te := &entries[j]
			if used[j] || te.Firing == nil || *te.Firing != *fe.ep.Firing || expectedEpisode(*te).key() != fe.ep.key() {
				continue
			}
			used[j], out[i] = true, te
			break
		}
	}
	return out
}

func (rp *replay) checkEntry(res *TestResult, am *routing.Config, fe *routed, te *TimelineEntry, all []*routed) {
	strict := func(line int, msg string) {
		if rp.r.opts.Strict {
			res.fail(line, "strict: "+msg)
		} else {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s:%d: %s", rp.f.Path, line, msg))
		}
	}
	line := rp.tg.Line
	if te != nil {
		line = te.Line
	}
	if routing.OnlyRoot(fe.routes) {
		strict(line, fmt.Sprintf("%s reaches only the root (catch-all) receiver %q of %s: no route matches it", fe.ep.Alert+fe.ep.Labels.String(), fe.routes[0].Receiver, am.File))
	}
	if te == nil {
		if len(fe.spans) > 0 {
			strict(line, fmt.Sprintf("%s is inhibited %s, and the timeline does not list it", fe.ep.Alert+fe.ep.Labels.String(), spansString(fe.spans, all)))
		}
		return
	}
	if te.Receivers != nil {
		got := am.Receivers(fe.sent)
		if !sameSet(got, te.Receivers.Value) {
			res.fail(te.Receivers.Line, fmt.Sprintf("%s: receivers %s, expected %s (%s)", fe.ep.Alert+fe.ep.Labels.String(), listString(got), listString(te.Receivers.Value), routesString(fe.routes, am.File)))
		}
	}
	if te.GroupBy != nil {
		for _, r := range fe.routes {
			if !sameSet(groupBy(r), te.GroupBy.Value) {
				res.fail(te.GroupBy.Line, fmt.Sprintf("%s: grouped by %s at the route at %s:%d (receiver %s), expected %s", fe.ep.Alert+fe.ep.Labels.String(), listString(groupBy(r)), am.File, r.Line, r.Receiver, listString(te.GroupBy.Value)))
			}
		}
	}
	rp.checkInhibited(res, fe, te, all, strict)
}

func (rp *replay) checkInhibited(res *TestResult, fe *routed, te *TimelineEntry, all []*routed, strict func(int, string)) {
	in := te.Inhibited
	name := fe.ep.Alert + fe.ep.Labels.String()
	if in == nil {
		if len(fe.spans) > 0 {
			strict(te.Line, fmt.Sprintf("%s is inhibited %s, and its entry does not say so (inhibited: {from: ..., by: ...})", name, spansString(fe.spans, all)))
		}
		return
	}
	if in.Never {
		if len(fe.spans) > 0 {
			res.fail(in.Line, fmt.Sprintf("%s: inhibited %s, expected never", name, spansString(fe.spans, all)))
		}
		return
	}
	want := routing.Span{From: in.From, Open: in.Until == nil && fe.ep.Resolved == nil}
	switch {
	case in.Until != nil:
		want.To = *in.Until
	case fe.ep.Resolved != nil:
		want.To = *fe.ep.Resolved
	}
	if len(fe.spans) != 1 || fe.spans[0].From != want.From || fe.spans[0].To != want.To || fe.spans[0].Open != want.Open {
		got := "never"
		if len(fe.spans) > 0 {
			got = spansString(fe.spans, all)
		}
		res.fail(in.Line, fmt.Sprintf("%s: inhibited %s, expected %s", name, got, spanString(want, nil, in.By)))
		return
	}
	var by []string
	for _, j := range fe.spans[0].By {
		by = append(by, all[j].ep.Alert)
	}
	for _, b := range in.By {
		if !slices.Contains(by, b) {
			res.fail(in.Line, fmt.Sprintf("%s: inhibited %s, expected by %s", name, spansString(fe.spans, all), b))
		}
	}
}

func groupBy(r routing.Route) []string {
	if r.GroupByAll {
		return []string{"..."}
	}
	return r.GroupBy
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func listString(l []string) string { return "[" + strings.Join(l, ", ") + "]" }

func routesString(rs []routing.Route, file string) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		what := "route"
		if r.Root {
			what = "root route"
		}
		parts[i] = fmt.Sprintf("%s at %s:%d", what, file, r.Line)
	}
	return "matched the " + strings.Join(parts, ", ")
}

func spansString(spans []routing.Span, all []*routed) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		var by []string
		for _, j := range s.By {
			by = append(by, all[j].ep.Alert+all[j].ep.Labels.String())
		}
		parts[i] = spanString(s, by, nil)
	}
	return strings.Join(parts, ", ")
}

func spanString(s routing.Span, by, names []string) string {
	out := "from " + fixture.FormatDuration(s.From)
	if !s.Open {
		out += " until " + fixture.FormatDuration(s.To)
	}
	if len(by) == 0 {
		by = names
	}
	if len(by) > 0 {
		out += " by " + strings.Join(by, ", ")
	}
	return out
}

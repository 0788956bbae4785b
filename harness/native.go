package harness

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/harness/prune"
)

// runNative replays a test group as a Prometheus server would evaluate its
// rules: each rule group at its own interval (groups without one at the
// fixture's evaluation_interval), all starting at the replay's start, groups
// due at the same instant in file order. Alert tests see the state after
// every evaluation at or before their eval_time.
func (rp *replay) runNative(res *TestResult) {
	tg := rp.tg
	ctx := context.Background()
	end := rp.start.Add(rp.nativeEnd())

	steps := 0
	for _, g := range rp.groups {
		steps += int(end.Sub(rp.start)/g.Interval()) + 1
	}
	if steps > rp.r.opts.Limits.MaxSteps {
		res.fail(tg.Line, fmt.Sprintf("test %q needs %d rule group evaluations (to %s), more than the limit of %d (--max-steps)", tg.Name, steps, fixture.FormatDuration(end.Sub(rp.start)), rp.r.opts.Limits.MaxSteps))
		res.BadInput = true
		return
	}
	for _, a := range tg.AlertTests {
		if a.Alertname == "" {
			res.fail(a.Line, fmt.Sprintf("an item under alert_rule_test misses required attribute alertname at eval_time %v", fixture.FormatDuration(a.EvalTime)))
			res.BadInput = true
			return
		}
	}
	rp.checkStrict(res)
	var plan prune.Plan
	if !rp.r.opts.NoPrune {
		plan = rp.plan(end.Sub(rp.start))
	}
	rp.instantiate(plan)

	alertTests := slices.Clone(tg.AlertTests)
	slices.SortStableFunc(alertTests, func(a, b AlertTest) int { return int(a.EvalTime - b.EvalTime) })
	checkUpTo := func(t time.Time) {
		// Check, together, the tests due before t.
		n := 0
		for n < len(alertTests) && rp.start.Add(alertTests[n].EvalTime).Before(t) {
			n++
		}
		if n > 0 {
			rp.checkAlerts(res, alertTests[:n])
			alertTests = alertTests[n:]
		}
	}

	began := time.Now()
	next := make([]time.Time, len(rp.groups))
	for i := range next {
		next[i] = rp.start
	}
	for {
		t := end.Add(time.Nanosecond)
		for _, n := range next {
			if n.Before(t) {
				t = n
			}
		}
		if t.After(end) {
			break
		}
		if rp.overTime(res, began, t) {
			return
		}
		checkUpTo(t)
		if err := rp.appendTill(t); err != nil {
			res.fail(tg.Line, err.Error())
			return
		}
		var evalErrs []error
		for i, g := range rp.groups {
			if next[i].Equal(t) {
				evalErrs = append(evalErrs, rp.evalGroup(ctx, g, t)...)
				res.Evaluations++
				next[i] = t.Add(g.Interval())
			}
		}
		if len(evalErrs) > 0 {
			for _, e := range evalErrs {
				res.fail(tg.Line, e.Error())
			}
			return
		}
	}
	checkUpTo(end.Add(time.Nanosecond))
	rp.checkExprs(ctx, res)
	res.Timeline = rp.timeline.episodes(end)
	if tg.HasTimeline {
		if problems := compareTimeline(tg.Timeline, res.Timeline, !tg.AllowUnlisted); len(problems) > 0 {
			var b strings.Builder
			fmt.Fprintf(&b, "timeline of test %q differs (replayed to %s):\n", tg.Name, fixture.FormatDuration(end.Sub(rp.start)))
			for _, p := range problems {
				b.WriteString("  " + p + "\n")
			}
			b.WriteString(indentAll(sideBySide(tg.Timeline, res.Timeline), "  "))
			res.fail(tg.Line, b.String())
		}
	}
}

// nativeEnd is how long a native replay runs: the test's duration if set,
// otherwise until the last input sample, eval_time or expected event,
// whichever is latest.
func (rp *replay) nativeEnd() time.Duration {
	tg := rp.tg
	if tg.Duration > 0 {
		return tg.Duration
	}
	end := tg.LastEvalTime()
	for _, s := range rp.series {
		if n := len(s.Samples); n > 0 {
			end = max(end, time.Duration(s.Samples[n-1].Ts)*time.Millisecond-time.Duration(rp.start.UnixNano()))
		}
	}
	for _, te := range tg.Timeline {
		for _, d := range []*time.Duration{te.Pending, te.Firing, te.Resolved} {
			if d != nil {
				end = max(end, *d)
			}
		}
	}
	return end
}

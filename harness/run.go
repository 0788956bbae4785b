package harness

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/harness/prune"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

// schedule returns the replay's schedule: a server's per-group schedule
// for rulecheck/v1 fixtures, promtool's single interval otherwise.
func (rp *replay) schedule() schedule {
	if rp.f.ServerSchedule {
		return serverSchedule{start: rp.start, length: serverEnd(rp.tg, rp.series, rp.start), groups: rp.groups, interval: rp.f.EvaluationInterval, tg: rp.tg}
	}
	return promtoolSchedule{start: rp.start, interval: rp.f.EvaluationInterval, tg: rp.tg, fast: !rp.r.opts.NoPrune}
}

// run replays the test group on the schedule: load → evaluate → record →
// check, one evaluation instant at a time, then the PromQL tests and the
// timeline.
func (rp *replay) run(res *TestResult, s schedule) {
	if !rp.ready(res, s) {
		return
	}
	ctx := context.Background()
	if dl := rp.r.opts.Limits.Deadline; !dl.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl)
		defer cancel()
	}
	alertTests := slices.Clone(rp.tg.AlertTests)
	slices.SortStableFunc(alertTests, func(a, b AlertTest) int { return int(a.EvalTime - b.EvalTime) })
	// checkedBy returns how many of the remaining alert tests are due
	// before t.
	checkedBy := func(t time.Time) int {
		n := 0
		for n < len(alertTests) && rp.start.Add(alertTests[n].EvalTime).Before(t) {
			n++
		}
		return n
	}
	began := time.Now()
	for t, ok := s.next(time.Time{}, true); ok; t, ok = s.next(t, false) {
		if rp.overTime(res, began, t) {
			return
		}
		n := checkedBy(s.checkBefore(t))
		if s.shortcuts() {
			rp.dropExpired(t)
			rp.setFullAnnotations(alertNames(alertTests[:n]))
		}
		if err := rp.appendTill(t); err != nil {
			res.fail(rp.tg.Line, err.Error())
			if !s.continueOnBadSample() {
				return
			}
		} else if errs := rp.evalDue(ctx, s, t, res); len(errs) > 0 {
			for _, e := range errs {
				if msg, ok := templateFailure(e); ok {
					res.BadInput = true
					res.fail(rp.tg.Line, msg)
					continue
				}
				res.fail(rp.tg.Line, e.Error())
			}
			return
		}
		if n > 0 {
			rp.checkAlerts(res, alertTests[:n])
			alertTests = alertTests[n:]
		}
	}
	if n := checkedBy(rp.start.Add(s.end() + time.Nanosecond)); n > 0 {
		rp.checkAlerts(res, alertTests[:n])
	}
	rp.checkExprs(ctx, res)
	rp.finish(res)
	rp.checkTimeline(res, s.end())
	rp.checkRouting(res)
}

// ready does what comes before the first evaluation: the step limit, the
// checks of the test group itself, pruning and building the rules. It
// reports whether the replay can start.
func (rp *replay) ready(res *TestResult, s schedule) bool {
	if line, msg, over := s.overLimit(rp.r.opts.Limits.MaxSteps); over {
		res.fail(line, msg)
		res.BadInput = true
		return false
	}
	for _, a := range rp.tg.AlertTests {
		if a.Alertname == "" {
			msg := fmt.Sprintf("an item under alert_rule_test misses required attribute alertname at eval_time %v", fixture.FormatDuration(a.EvalTime))
			if s.namesGroup() && rp.tg.Name != "" && !strings.HasPrefix(rp.tg.Name, "unnamed#") {
				msg += fmt.Sprintf(" (in TestGroup %s)", textsafe.Escape(rp.tg.Name))
			}
			res.fail(a.Line, msg)
			res.BadInput = true
			return false
		}
	}
	rp.checkStrict(res)
	var plan prune.Plan
	if !rp.r.opts.NoPrune {
		plan = rp.plan(s.end())
		if rp.unaffected(plan, s.end()) {
			res.Unaffected = true
			return false
		}
	}
	rp.engineNow()
	rp.instantiate(plan)
	if !s.shortcuts() {
		rp.horizon = nil
	}
	return true
}

// finish puts what the replay recorded into the result.
func (rp *replay) finish(res *TestResult) {
	res.History = rp.record.finish()
	if rp.r.opts.RecordOutputs {
		rp.recordOutputs(res.History)
	}
	res.Timeline = res.History.Episodes()
}

// evalDue evaluates the groups due at t, in order, and returns the rule
// errors.
func (rp *replay) evalDue(ctx context.Context, s schedule, t time.Time, res *TestResult) []error {
	var errs []error
	for _, g := range rp.groups {
		if s.due(g, t) {
			errs = append(errs, rp.evalGroup(ctx, g, t)...)
			res.Evaluations++
		}
	}
	return errs
}

func alertNames(tests []AlertTest) map[string]bool {
	out := make(map[string]bool, len(tests))
	for _, a := range tests {
		out[a.Alertname] = true
	}
	return out
}

// checkTimeline compares the replay's alert episodes with the test group's
// timeline, if it has one.
func (rp *replay) checkTimeline(res *TestResult, end time.Duration) {
	tg := rp.tg
	if !tg.HasTimeline {
		return
	}
	problems := compareTimeline(tg.Timeline, res.Timeline, !tg.AllowUnlisted)
	res.Checked = append(res.Checked, Checked{Assertion: fixture.Timeline{Entries: tg.Timeline, AllowUnlisted: tg.AllowUnlisted}, Passed: len(problems) == 0})
	if len(problems) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "timeline of test %q differs (replayed to %s):\n", tg.Name, fixture.FormatDuration(end))
	line := tg.Line
	for _, p := range problems {
		b.WriteString("  " + p.String() + "\n")
		if line == tg.Line && p.Line > 0 {
			// Point at the first timeline entry that is wrong.
			line = p.Line
		}
	}
	b.WriteString(indentAll(sideBySide(tg.Timeline, res.Timeline), "  "))
	res.fail(line, b.String())
}

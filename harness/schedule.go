package harness

import (
	"fmt"
	"time"

	"github.com/prometheus/prometheus/rules"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// A schedule is a replay's iteration policy, kept apart from evaluation as
// rules.GroupOptions.EvalIterationFunc keeps it apart in Prometheus: when
// the evaluations are, which groups are due at each, and which alert tests
// are checked after each. The replay loop (run.go) is the same for both.
type schedule interface {
	// end is how long the replay runs, relative to its start.
	end() time.Duration
	// overLimit returns, when the replay needs more evaluations than limit,
	// the line and message of the failure.
	overLimit(limit int) (line int, msg string, over bool)
	// next returns the first evaluation instant after t (the replay's
	// first when first is set); ok is false when the replay is over. The
	// instants are those of the rules loaded, whatever pruning keeps, so
	// that input series are loaded at the same instants either way.
	next(t time.Time, first bool) (at time.Time, ok bool)
	// due reports whether group g is evaluated at t.
	due(g *rules.Group, t time.Time) bool
	// checkBefore: after the evaluation at t, the alert tests whose
	// eval_time is before checkBefore(t) are checked.
	checkBefore(t time.Time) time.Time
	// continueOnBadSample: a sample the storage refuses fails the test
	// group; with this set the replay goes on (as promtool does), without
	// it the replay stops.
	continueOnBadSample() bool
	// shortcuts reports whether the replay may skip work no assertion can
	// see: dropping a rule after the last time anything reads it, and
	// rendering annotations only at the evaluations an alert test reads.
	// A server-schedule replay reports its whole timeline, so it may not.
	shortcuts() bool
	// namesGroup: messages about a test name the test group (promtool's
	// wording).
	namesGroup() bool
}

// promtoolSchedule evaluates every group at every step of the file's
// evaluation_interval, whatever its own interval, up to the latest
// eval_time; an alert test is checked after the step at or before its
// eval_time.
type promtoolSchedule struct {
	start    time.Time
	interval time.Duration
	tg       *fixture.TestGroup
	fast     bool
}

func (s promtoolSchedule) end() time.Duration { return s.tg.LastEvalTime() }

func (s promtoolSchedule) overLimit(limit int) (int, string, bool) {
	steps := int64(s.end()/s.interval) + 1
	if steps <= int64(limit) {
		return 0, "", false
	}
	return s.tg.LastEvalLine(), fmt.Sprintf("test %q needs %d evaluation steps (to %s every %s), more than the limit of %d (--max-steps)",
		s.tg.Name, steps, fixture.FormatDuration(s.end()), fixture.FormatDuration(s.interval), limit), true
}

func (s promtoolSchedule) next(t time.Time, first bool) (time.Time, bool) {
	if first {
		return s.start, true
	}
	n := t.Add(s.interval)
	return n, !n.After(s.start.Add(s.end()))
}

func (promtoolSchedule) due(*rules.Group, time.Time) bool { return true }

func (s promtoolSchedule) checkBefore(t time.Time) time.Time {
	return t.Add(s.interval)
}
func (promtoolSchedule) continueOnBadSample() bool { return true }
func (s promtoolSchedule) shortcuts() bool         { return s.fast }
func (promtoolSchedule) namesGroup() bool          { return true }

// serverSchedule evaluates each group at its own interval, as a Prometheus
// server does, all starting at the replay's start; groups due at the same
// instant run in file order. An alert test sees the state after every
// evaluation at or before its eval_time. With no rule group at all, the
// instants are those of the file's evaluation_interval, so that PromQL
// tests still see the input series.
type serverSchedule struct {
	start  time.Time
	length time.Duration
	// groups are the groups loaded, before pruning: their evaluations are
	// the instants, and the step limit counts them.
	groups   []*rules.Group
	interval time.Duration
	tg       *fixture.TestGroup
}

func (s serverSchedule) end() time.Duration { return s.length }

func (s serverSchedule) overLimit(limit int) (int, string, bool) {
	steps := 0
	for _, g := range s.groups {
		steps += int(s.length/g.Interval()) + 1
	}
	if steps <= limit {
		return 0, "", false
	}
	return s.tg.Line, fmt.Sprintf("test %q needs %d rule group evaluations (to %s), more than the limit of %d (--max-steps)",
		s.tg.Name, steps, fixture.FormatDuration(s.length), limit), true
}

func (s serverSchedule) next(t time.Time, first bool) (time.Time, bool) {
	if first {
		return s.start, true
	}
	var best time.Duration = -1
	since := t.Sub(s.start)
	for _, iv := range s.intervals() {
		n := (since/iv + 1) * iv
		if best < 0 || n < best {
			best = n
		}
	}
	return s.start.Add(best), best <= s.length
}

func (s serverSchedule) intervals() []time.Duration {
	if len(s.groups) == 0 {
		return []time.Duration{s.interval}
	}
	out := make([]time.Duration, len(s.groups))
	for i, g := range s.groups {
		out[i] = g.Interval()
	}
	return out
}

func (s serverSchedule) due(g *rules.Group, t time.Time) bool {
	return t.Sub(s.start)%g.Interval() == 0
}

func (s serverSchedule) checkBefore(t time.Time) time.Time {
	if n, ok := s.next(t, false); ok {
		return n
	}
	return s.start.Add(s.length + time.Nanosecond)
}

func (serverSchedule) continueOnBadSample() bool { return false }
func (serverSchedule) shortcuts() bool           { return false }
func (serverSchedule) namesGroup() bool          { return false }

// serverEnd is how long a server-schedule replay runs: the test's duration
// if set, otherwise until the last input sample, eval_time or expected
// event, whichever is latest.
func serverEnd(tg *fixture.TestGroup, series []*fixture.Series, start time.Time) time.Duration {
	if tg.Duration > 0 {
		return tg.Duration
	}
	end := tg.LastEvalTime()
	for _, s := range series {
		if n := len(s.Samples); n > 0 {
			end = max(end, time.Duration(s.Samples[n-1].Ts)*time.Millisecond-time.Duration(start.UnixNano()))
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

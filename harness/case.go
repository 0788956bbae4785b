package harness

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/common/model"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/position"
)

// Case is a replay written in Go rather than in a fixture file: rule files,
// input series and the expected alert timeline. It runs on a server's
// schedule (each rule group at its own interval).
//
//	res := runner.RunCase(harness.Case{
//		RuleFiles: []string{"rules/pweza-core-alerts.yaml"},
//		Interval:  10 * time.Second,
//		Series: []harness.InputSeries{
//			{Series: `up{job="pweza-core-agents", instance="a:9090"}`, Values: "1x6 0x30 1x30"},
//		},
//		Timeline: []harness.TimelineEntry{{
//			Alert:   "AgentDown",
//			Labels:  map[string]string{"job": "pweza-core-agents", "instance": "a:9090", "severity": "critical", "team": "platform"},
//			Pending: harness.At("1m30s"), Firing: harness.At("2m30s"), Resolved: harness.At("6m30s"),
//		}},
//	})
//	harness.RequirePass(t, res)
type Case struct {
	Name      string
	RuleFiles []string
	// EvaluationInterval is used by groups without their own interval
	// (default 1m).
	EvaluationInterval time.Duration
	// Interval is the input series' step (default: EvaluationInterval).
	Interval time.Duration
	Series   []InputSeries
	// Duration of the replay; zero means until the last sample or event.
	Duration      time.Duration
	Timeline      []TimelineEntry
	AllowUnlisted bool
}

// At parses a duration such as "1m30s" for timeline entries; it panics on a
// malformed duration, which is a bug in the calling test. It remembers the
// Go file and line it is called from, so that a failure of the timeline
// entry it is written in points there.
func At(d string) *time.Duration {
	v, err := model.ParseDuration(d)
	if err != nil {
		panic(fmt.Sprintf("harness.At(%q): %v", d, err))
	}
	t := time.Duration(v)
	if _, file, line, ok := runtime.Caller(1); ok {
		atLines.Store(&t, position.At(file, line, 0))
	}
	return &t
}

// atLines maps the durations At returned to where At was called.
var atLines sync.Map

// entryLine is the line of a timeline entry written in Go: where one of its
// At calls is, in file; else fallback.
func entryLine(te TimelineEntry, file string, fallback int) int {
	for _, d := range []*time.Duration{te.Pending, te.Firing, te.Resolved} {
		if d == nil {
			continue
		}
		if p, ok := atLines.Load(d); ok && p.(position.Range).File == file {
			return p.(position.Range).Line
		}
	}
	return fallback
}

// RunCase replays a Case. A timeline failure points at the line of the
// entry that is wrong (where its harness.At calls are), other failures at
// the Go file and line that called RunCase.
func (r *Runner) RunCase(c Case) *FileResult {
	_, file, line, _ := runtime.Caller(1)
	if c.EvaluationInterval == 0 {
		c.EvaluationInterval = time.Minute
	}
	if c.Interval == 0 {
		c.Interval = c.EvaluationInterval
	}
	if c.Name == "" {
		c.Name = "case"
	}
	f := &Fixture{Path: file, ServerSchedule: true, EvaluationInterval: c.EvaluationInterval}
	// Rule files are globbed as a fixture's rule_files are, and a pattern
	// matching nothing is refused as it is in a rulecheck fixture.
	for _, p := range c.RuleFiles {
		m, err := filepath.Glob(p)
		if err != nil || len(m) == 0 {
			return &FileResult{Path: file, Err: &fixture.Error{Range: position.At(file, line, 0), Msg: fmt.Sprintf("rule file pattern %q matches no file", p)}}
		}
		f.RuleFiles = append(f.RuleFiles, m...)
	}
	tg := &TestGroup{
		Name: c.Name, Line: line, Interval: c.Interval, Start: time.Unix(0, 0).UTC(),
		Duration: c.Duration, Timeline: c.Timeline, HasTimeline: true, AllowUnlisted: c.AllowUnlisted,
	}
	for _, s := range c.Series {
		s.Line = line
		tg.InputSeries = append(tg.InputSeries, s)
	}
	for i := range tg.Timeline {
		if tg.Timeline[i].Line == 0 {
			tg.Timeline[i].Line = entryLine(tg.Timeline[i], file, line)
		}
		if err := tg.Timeline[i].Validate(); err != nil {
			return &FileResult{Path: file, Err: &fixture.Error{Range: position.At(file, line, 0), Msg: err.Error()}}
		}
	}
	f.Tests = []*TestGroup{tg}
	return r.RunFixture(f)
}

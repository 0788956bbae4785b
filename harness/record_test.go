package harness_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

const recordedRules = `groups:
- name: fast
  interval: 30s
  rules:
  - record: job:up:min
    expr: min by (job) (up)
  - alert: Down
    expr: job:up:min == 0
    for: 1m
`

// TestHistoryRecordsWhatHappened reads one replay's History: when each
// rule was evaluated, the alert's state at chosen evaluations, and the
// recording rule's output series.
func TestHistoryRecordsWhatHappened(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	require.NoError(t, os.WriteFile(rules, []byte(recordedRules), 0o644))
	res := harness.NewRunner(harness.Options{RecordOutputs: true}).RunCase(harness.Case{
		RuleFiles: []string{rules},
		Interval:  30 * time.Second,
		// up is 0 from 1m to 3m30s: pending at 1m, firing at 2m, resolved at 4m.
		Series:        []harness.InputSeries{{Series: `up{job="x"}`, Values: "1 1 0 0 0 0 0 0 1 1"}},
		Timeline:      []harness.TimelineEntry{{Alert: "Down", Labels: map[string]string{"job": "x"}, Pending: harness.At("1m"), Firing: harness.At("2m"), Resolved: harness.At("4m")}},
		AllowUnlisted: true,
	})
	harness.RequirePass(t, res)
	h := res.Tests[0].History
	require.NotNil(t, h)
	require.Len(t, h.Rules, 2)
	rec, alert := h.Rules[0], h.Rules[1]
	assert.Equal(t, "job:up:min", rec.Name)
	assert.Equal(t, []harness.EvalRun{{From: 0, Every: 30 * time.Second, N: 10}}, rec.Evaluations)
	assert.True(t, alert.EvaluatedAt(90*time.Second))
	assert.False(t, alert.EvaluatedAt(100*time.Second))
	job := labels.FromStrings("job", "x")
	for at, want := range map[time.Duration]harness.AlertState{
		30 * time.Second: harness.Inactive, time.Minute: harness.Pending, 90 * time.Second: harness.Pending,
		2 * time.Minute: harness.Firing, 210 * time.Second: harness.Firing, 4 * time.Minute: harness.Inactive,
	} {
		assert.Equal(t, want, alert.StateAt(job, at), "at %s", at)
	}
	require.Len(t, rec.Output, 1)
	assert.Equal(t, labels.FromStrings("__name__", "job:up:min", "job", "x"), rec.Output[0].Labels)
	assert.Equal(t, []float64{1, 1, 0, 0, 0, 0, 0, 0, 1, 1}, rec.Output[0].Values)
	assert.Equal(t, res.Tests[0].Timeline, h.Episodes())
}

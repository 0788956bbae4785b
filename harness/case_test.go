package harness_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

const twoGroups = `groups:
- name: fast
  interval: 30s
  rules:
  - alert: FastDown
    expr: up == 0
    for: 1m
- name: slow
  interval: 60s
  rules:
  - alert: SlowDown
    expr: up == 0
    for: 1m
`

// TestPerGroupIntervals shows a group with interval 30s evaluated every 30s
// and one with 60s every 60s in the same replay: the same series change is
// seen at different times.
func TestPerGroupIntervals(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	require.NoError(t, os.WriteFile(rules, []byte(twoGroups), 0o644))
	labels := map[string]string{"job": "x"}
	res := harness.NewRunner(harness.Options{}).RunCase(harness.Case{
		RuleFiles: []string{rules},
		Interval:  10 * time.Second,
		// up turns 0 at 70s: the 30s group sees it at 90s, the 60s group at 120s.
		Series: []harness.InputSeries{{Series: `up{job="x"}`, Values: "1x6 0x60"}},
		Timeline: []harness.TimelineEntry{
			{Alert: "FastDown", Labels: labels, Pending: harness.At("1m30s"), Firing: harness.At("2m30s")},
			{Alert: "SlowDown", Labels: labels, Pending: harness.At("2m"), Firing: harness.At("3m")},
		},
	})
	harness.RequirePass(t, res)
	// 0s..11m: 23 evaluations of the 30s group, 12 of the 60s group.
	require.Equal(t, 23+12, res.Tests[0].Evaluations)
}

// TestTimelineMismatchFails shows a wrong expected time failing, with the
// expected and actual timelines and the caller's file and line.
func TestTimelineMismatchFails(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	require.NoError(t, os.WriteFile(rules, []byte(twoGroups), 0o644))
	labels := map[string]string{"job": "x"}
	res := harness.NewRunner(harness.Options{}).RunCase(harness.Case{
		RuleFiles: []string{rules},
		Interval:  10 * time.Second,
		Series:    []harness.InputSeries{{Series: `up{job="x"}`, Values: "1x6 0x60"}},
		Timeline: []harness.TimelineEntry{
			{Alert: "FastDown", Labels: labels, Pending: harness.At("2m"), Firing: harness.At("2m30s")},
		},
	})
	require.True(t, res.Failed())
	require.Len(t, res.Tests[0].Failures, 1)
	msg := res.Tests[0].Failures[0].Message
	require.Contains(t, msg, "pending at 1m30s, expected 2m")
	require.Contains(t, msg, `not in the timeline: SlowDown{job="x"} pending 2m firing 3m`)
	require.Contains(t, msg, "expected")
	require.Contains(t, msg, "actual")
	require.Contains(t, res.Path, "case_test.go")
	require.NotZero(t, res.Tests[0].Failures[0].Line)
}

package harness_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// TestPrometheusRuleSemantics pins, on one series, what Prometheus's rule
// evaluation does with for, keep_firing_for, query_offset, group labels and
// limit in a server-schedule replay. up is 1 until 60s, 0 from 70s to 360s, and 1
// again from 370s; the 30s groups see the 0 at 90s and the 1 at 390s.
func TestPrometheusRuleSemantics(t *testing.T) {
	series := []harness.InputSeries{{Series: `up{job="x"}`, Values: "1x6 0x29 1x30"}}
	for _, tc := range []struct {
		name, group string
		want        []harness.TimelineEntry
		fails       string
	}{
		{
			name: "for",
			group: `  interval: 30s
  rules:
  - alert: Down
    expr: up == 0
    for: 1m`,
			// Firing 1m after it turns pending.
			want: []harness.TimelineEntry{{Alert: "Down", Labels: map[string]string{"job": "x"}, Pending: harness.At("1m30s"), Firing: harness.At("2m30s"), Resolved: harness.At("6m30s")}},
		},
		{
			name: "keep_firing_for",
			group: `  interval: 30s
  rules:
  - alert: Down
    expr: up == 0
    keep_firing_for: 2m`,
			// Keeps firing 2m after the condition clears at 6m30s.
			want: []harness.TimelineEntry{{Alert: "Down", Labels: map[string]string{"job": "x"}, Pending: harness.At("1m30s"), Firing: harness.At("1m30s"), Resolved: harness.At("8m30s")}},
		},
		{
			name: "query_offset",
			group: `  interval: 30s
  query_offset: 1m
  rules:
  - alert: Down
    expr: up == 0`,
			// Each evaluation queries a minute in the past: the 0 written at
			// 70s is first seen at 150s, the 1 written at 370s at 430s.
			want: []harness.TimelineEntry{{Alert: "Down", Labels: map[string]string{"job": "x"}, Pending: harness.At("2m30s"), Firing: harness.At("2m30s"), Resolved: harness.At("7m30s")}},
		},
		{
			name: "group labels",
			group: `  interval: 30s
  labels:
    team: platform
  rules:
  - alert: Down
    expr: up == 0
    labels:
      severity: page`,
			want: []harness.TimelineEntry{{Alert: "Down", Labels: map[string]string{"job": "x", "team": "platform", "severity": "page"}, Pending: harness.At("1m30s"), Firing: harness.At("1m30s"), Resolved: harness.At("6m30s")}},
		},
		{
			name: "limit",
			group: `  interval: 30s
  limit: 1
  rules:
  - record: two
    expr: up or label_replace(up, "job", "y", "", "")`,
			fails: "exceeded limit of 1 with 2 series",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rules := filepath.Join(t.TempDir(), "rules.yaml")
			require.NoError(t, os.WriteFile(rules, []byte("groups:\n- name: g\n"+tc.group+"\n"), 0o644))
			res := harness.NewRunner(harness.Options{}).RunCase(harness.Case{
				RuleFiles: []string{rules}, Interval: 10 * time.Second, Series: series,
				Duration: 10 * time.Minute, Timeline: tc.want,
			})
			require.Nil(t, res.Err)
			if tc.fails != "" {
				require.True(t, res.Failed())
				assert.Contains(t, res.Tests[0].Failures[0].Message, tc.fails)
				return
			}
			harness.RequirePass(t, res)
		})
	}
}

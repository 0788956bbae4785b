package harness_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// TestTestTimeoutStopsReplay shows the per-test-group wall-time guard
// stopping a long replay with a message naming the flag.
func TestTestTimeoutStopsReplay(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 1m\n"), 0o644))
	path := filepath.Join(dir, "t.yaml")
	require.NoError(t, os.WriteFile(path, []byte("rule_files: [rules.yaml]\nevaluation_interval: 1s\ntests:\n- interval: 1s\n  input_series:\n  - series: up{job=\"x\"}\n    values: 0x50000\n  alert_rule_test:\n  - eval_time: 13h\n    alertname: A\n"), 0o644))
	res := harness.NewRunner(harness.Options{Limits: harness.Limits{TestTimeout: 50 * time.Millisecond}}).RunFile(path)
	require.Len(t, res.Tests, 1)
	require.True(t, res.Tests[0].BadInput)
	require.Contains(t, res.Tests[0].Failures[0].Message, "(--test-timeout)")
}

// TestDeadlineStopsRun: the whole run's deadline (--timeout) stops every
// test group, also those that start after it, each with a message naming
// the flag.
func TestDeadlineStopsRun(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 1m\n"), 0o644))
	path := filepath.Join(dir, "t.yaml")
	group := "- interval: 1s\n  input_series:\n  - series: up{job=\"x\"}\n    values: 0x50000\n  alert_rule_test:\n  - eval_time: 13h\n    alertname: A\n"
	require.NoError(t, os.WriteFile(path, []byte("rule_files: [rules.yaml]\nevaluation_interval: 1s\ntests:\n"+group+group+group), 0o644))
	// A deadline already passed: a group fast enough to finish within a
	// short one would make the test depend on the machine's load.
	res := harness.NewRunner(harness.Options{Limits: harness.Limits{Deadline: time.Now().Add(-time.Second)}}).RunFile(path)
	require.Len(t, res.Tests, 3)
	for _, tr := range res.Tests {
		require.True(t, tr.BadInput)
		require.Contains(t, tr.Failures[0].Message, "(--timeout)")
	}
}

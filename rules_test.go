package rulecheck_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/coverage"
	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// TestFixtures replays every fixture under fixtures/ as a subtest named after
// the fixture file and test group, so "go test ./..." is the gate for the
// rules under rules/.
func TestFixtures(t *testing.T) {
	files, err := fixture.Find([]string{"fixtures"})
	require.NoError(t, err)
	require.NotEmpty(t, files, "no fixtures found under fixtures/")
	// Input series are held to the metric catalog: a fixture feeding a
	// series production could not produce fails.
	cat, err := catalog.Load("rules/metrics.yaml")
	require.NoError(t, err)
	runner := harness.NewRunner(harness.Options{Catalog: cat})
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			harness.RequirePass(t, runner.RunFile(path))
		})
	}
}

// TestFixtureFeedingHistogramByBareNameIsRejected shows the project's
// catalog refusing a series production cannot produce, at its line.
func TestFixtureFeedingHistogramByBareNameIsRejected(t *testing.T) {
	cat, err := catalog.Load("rules/metrics.yaml")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "bare.yaml")
	rules, err := filepath.Abs("rules/pweza-core-alerts.yaml")
	require.NoError(t, err)
	fixture := "format: rulecheck/v1\nrule_files: [" + rules + "]\ntests:\n- name: bare histogram\n  interval: 15s\n  input_series:\n" +
		"  - series: 'pweza_api_request_duration_seconds{job=\"pweza-core-manager\", method=\"GET\", endpoint=\"/api/v1/agents\"}'\n    values: 2x40\n  timeline: []\n"
	require.NoError(t, os.WriteFile(path, []byte(fixture), 0o644))
	res := harness.NewRunner(harness.Options{Catalog: cat}).RunFile(path)
	require.Len(t, res.Tests, 1)
	require.True(t, res.Tests[0].BadInput)
	require.Contains(t, res.Tests[0].Failures[0].Message, path+":7:")
	require.Contains(t, res.Tests[0].Failures[0].Message, "pweza_api_request_duration_seconds is a classic histogram")
}

// TestEveryAlertFiredAndSilent is the coverage gate through the Go API:
// every rule under rules/ is covered by the fixtures (each alert asserted
// firing and asserted silent where it could have fired).
func TestEveryAlertFiredAndSilent(t *testing.T) {
	files, err := fixture.Find([]string{"fixtures"})
	require.NoError(t, err)
	cat, err := catalog.Load("rules/metrics.yaml")
	require.NoError(t, err)
	results := harness.NewRunner(harness.Options{Catalog: cat}).RunFiles(files)
	ruleFiles, err := coverage.FindRuleFiles([]string{"rules"})
	require.NoError(t, err)
	rep, err := coverage.Compute(results, coverage.Options{RuleFiles: ruleFiles})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Rules)
	for _, r := range rep.Uncovered() {
		t.Errorf("%s:%d: %s %s: %s", r.File, r.Line, r.Kind, r.Name, r.Missing())
	}
}

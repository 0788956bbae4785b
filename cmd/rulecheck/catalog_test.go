package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/catalog"
)

// TestCatalogGoAndExposition builds a catalog from the seed's Go metric
// definitions and from an exposition of the same metrics: the metric types
// (and labels) must be the same.
func TestCatalogGoAndExposition(t *testing.T) {
	build := func(src string) *catalog.Catalog {
		code, stdout, stderr := runArgs("catalog", src)
		require.Equal(t, exitOK, code, stderr)
		c, err := catalog.Parse([]byte(stdout))
		require.NoError(t, err, stdout)
		return c
	}
	fromGo := build("../../testdata/catalog/metrics.go.txt")
	fromExp := build("../../testdata/catalog/metrics.prom")
	require.Len(t, fromExp.Metrics, len(fromGo.Metrics))
	types := map[string]catalog.Type{}
	for _, m := range fromGo.Metrics {
		types[m.Name] = m.Type
	}
	for _, m := range fromExp.Metrics {
		assert.Equal(t, types[m.Name], m.Type, m.Name)
		assert.ElementsMatch(t, fromGo.Metric(m.Name).Labels, m.Labels, m.Name)
	}
	assert.Equal(t, catalog.Gauge, types["pweza_agent_cpu_usage_seconds_total"])
	assert.Equal(t, catalog.Histogram, types["pweza_workflow_execution_duration_seconds"])
}

func TestCatalogWarnsAboutDefinitions(t *testing.T) {
	_, _, stderr := runArgs("catalog", "../../testdata/catalog/metrics.go.txt")
	assert.Contains(t, stderr, "pweza_agent_cpu_usage_seconds_total is a gauge but has a counter's _total suffix")
}

func TestCatalogJobs(t *testing.T) {
	code, stdout, stderr := runArgs("catalog", "--job", "agents=10s,pweza_agent_", "--job", "manager=15s,pweza_api_,pweza_workflow_", "../../testdata/catalog/metrics.go.txt")
	require.Equal(t, exitOK, code, stderr)
	c, err := catalog.Parse([]byte(stdout))
	require.NoError(t, err)
	assert.Equal(t, []string{"agents"}, c.Metric("pweza_agent_status").Jobs)
	assert.Equal(t, []string{"manager"}, c.Metric("pweza_api_requests_total").Jobs)
	s, ok := c.Lookup("pweza_agent_status")
	require.True(t, ok)
	assert.Equal(t, "10s", c.ScrapeInterval(s).String())
}

// TestCatalogCheckProject checks rules/metrics.yaml against the seed's Go
// definitions.
func TestCatalogCheckProject(t *testing.T) {
	code, stdout, stderr := runArgs("catalog", "--check", "../../rules/metrics.yaml", "../../testdata/catalog/metrics.go.txt")
	assert.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "agrees with")
}

func TestCatalogCheckDifferences(t *testing.T) {
	dir := t.TempDir()
	cat := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(cat, []byte("metrics:\n- {name: pweza_agent_status, type: counter, labels: [agent_id, agent_type, status]}\n"), 0o644))
	code, stdout, _ := runArgs("catalog", "--check", cat, "../../testdata/catalog/metrics.go.txt")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stdout, "pweza_agent_status: the catalog says counter")
	assert.Contains(t, stdout, "pweza_api_requests_total: defined as a counter")

	code, stdout, _ = runArgs("catalog", "--check", cat)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "1 metrics, 0 jobs: valid")
}

func TestCatalogUsage(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, exitBadInput, "Usage: rulecheck catalog"},
		{[]string{"nope.go"}, exitBadInput, "no such file"},
		{[]string{"--job", "x", "../../testdata/catalog/metrics.go.txt"}, exitBadInput, "expected NAME=INTERVAL"},
		{[]string{"--check", "nope.yaml"}, exitBadInput, "no such file"},
	}
	for _, tt := range tests {
		code, _, stderr := runArgs(append([]string{"catalog"}, tt.args...)...)
		assert.Equal(t, tt.code, code, tt.args)
		assert.Contains(t, stderr, tt.stderr, tt.args)
	}
}

// TestCatalogOutputValidWhateverTheNames: a source whose name holds a
// newline still gives a catalog that parses, written into the named path.
func TestCatalogOutputValidWhateverTheNames(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../testdata/catalog/metrics.prom")
	require.NoError(t, err)
	name := filepath.Join(dir, "evil\nmetrics: []\n#.prom")
	require.NoError(t, os.WriteFile(name, src, 0o644))
	out := filepath.Join(dir, "catalog.yaml")
	code, _, stderr := runArgs("catalog", "-o", out, name)
	require.Equal(t, exitOK, code, stderr)
	c, err := catalog.Load(out)
	require.NoError(t, err)
	assert.NotEmpty(t, c.Metrics)
}

// TestCatalogOutputNotAnInput: -o naming a source is refused before
// anything is written, and the source is left as it was.
func TestCatalogOutputNotAnInput(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "metrics.prom")
	b, err := os.ReadFile("../../testdata/catalog/metrics.prom")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(src, b, 0o644))
	code, _, stderr := runArgs("catalog", "-o", src, src)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, stderr, "is also an input")
	after, err := os.ReadFile(src)
	require.NoError(t, err)
	assert.Equal(t, b, after)
}

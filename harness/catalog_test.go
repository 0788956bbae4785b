package harness_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/harness"
)

const testCatalog = `jobs:
- name: api
  scrape_interval: 15s
  labels: [namespace]
metrics:
- name: http_request_duration_seconds
  type: histogram
  labels: [method]
  jobs: [api]
- name: http_requests_total
  type: counter
  labels: [method]
  jobs: [api]
- name: queue_size
  type: gauge
  jobs: [api]
`

// TestFixturesHeldToCatalog feeds series production could not produce and
// expects each refused at its line, as bad input.
func TestFixturesHeldToCatalog(t *testing.T) {
	cat, err := catalog.Parse([]byte(testCatalog))
	require.NoError(t, err)
	cat.Path = "metrics.yaml"
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte("groups: []\n"), 0o644))
	for _, tc := range []struct {
		name, series, values, want string
	}{
		{"bare histogram name", `http_request_duration_seconds{job="api", method="GET"}`, "1x5", "is a classic histogram: production exports only http_request_duration_seconds_bucket{le=...}"},
		{"bucket without le", `http_request_duration_seconds_bucket{job="api", method="GET"}`, "0+1x5", "a histogram bucket without an le label"},
		{"unknown label", `http_requests_total{job="api", method="GET", path="/x"}`, "0+1x5", `label "path" is not a label of http_requests_total`},
		{"counter going down", `http_requests_total{job="api", method="GET"}`, "10 20 15 30", "a counter goes down from 20 to 15 at step 2"},
		{"unknown metric", `bogus_total{job="api"}`, "1", "metric bogus_total is not in the catalog"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fixture := "format: rulecheck/v1\nrule_files: [rules.yaml]\ntests:\n- name: t\n  interval: 15s\n  input_series:\n  - series: '" + tc.series + "'\n    values: " + tc.values + "\n  timeline: []\n"
			path := filepath.Join(dir, "f.yaml")
			require.NoError(t, os.WriteFile(path, []byte(fixture), 0o644))
			res := harness.NewRunner(harness.Options{Catalog: cat}).RunFile(path)
			require.Len(t, res.Tests, 1)
			tr := res.Tests[0]
			require.True(t, tr.BadInput, "expected bad input, got %+v", tr.Failures)
			assert.Contains(t, tr.Failures[0].Message, path+":7:")
			assert.Contains(t, tr.Failures[0].Message, tc.want)

			// Without a catalog the same fixture runs.
			res = harness.NewRunner(harness.Options{}).RunFile(path)
			assert.False(t, res.Tests[0].BadInput)
		})
	}
	// Series production does produce pass: buckets with le, a counter reset
	// towards zero, a gauge going down.
	ok := "format: rulecheck/v1\nrule_files: [rules.yaml]\ntests:\n- name: t\n  interval: 15s\n  input_series:\n" +
		"  - series: 'http_request_duration_seconds_bucket{job=\"api\", method=\"GET\", le=\"0.5\", namespace=\"x\"}'\n    values: 0+1x5\n" +
		"  - series: 'http_requests_total{job=\"api\", method=\"GET\"}'\n    values: 10 20 30 2 5\n" +
		"  - series: 'queue_size{job=\"api\"}'\n    values: 5 3 1\n  timeline: []\n"
	path := filepath.Join(dir, "ok.yaml")
	require.NoError(t, os.WriteFile(path, []byte(ok), 0o644))
	res := harness.NewRunner(harness.Options{Catalog: cat}).RunFile(path)
	require.False(t, res.Failed(), harness.FormatResult(res))
}

package harness_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// TestRunFilterMatchesPromtool pins the test groups --run selects to the
// verdicts promtool 3.16.0 gives ("promtool test rules --run RE
// --junit=FILE"): an unnamed group is matched as the empty name, not as its
// report name unnamed#i.
func TestRunFilterMatchesPromtool(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(`groups:
- name: g
  rules:
  - alert: HighFree
    expr: free_bytes > 0
`), 0o644))
	group := `  interval: 1m
  input_series: [{series: free_bytes, values: 1x5}]
  alert_rule_test: [{eval_time: 2m, alertname: HighFree, exp_alerts: []}]
`
	file := filepath.Join(dir, "two_test.yaml")
	require.NoError(t, os.WriteFile(file, []byte("rule_files: [r.yaml]\ntests:\n-"+group[1:]+"- name: named\n"+group), 0o644))
	for _, tc := range []struct {
		run   string
		ok    bool
		cases map[string]string
	}{
		{`^$`, false, map[string]string{"unnamed#0": "fail"}},
		{`^unnamed#0$`, true, map[string]string{}},
		{`named`, false, map[string]string{"named": "fail"}},
		{`.*`, false, map[string]string{"unnamed#0": "fail", "named": "fail"}},
	} {
		t.Run(tc.run, func(t *testing.T) {
			r := harness.NewRunner(harness.Options{Run: []*regexp.Regexp{regexp.MustCompile(tc.run)}})
			ok, cases := harness.Verdicts(r.RunFile(file))
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.cases, cases)
		})
	}
}

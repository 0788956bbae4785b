package harness_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// An alert template that would expand beyond --max-template-bytes is
// refused before Prometheus expands it, as bad input naming the rule's
// position, with and without the shortcuts; a template with a range that
// stays within the budget keeps its verdict (promtool 3.16 passes it).
func TestTemplateBudget(t *testing.T) {
	dir := t.TempDir()
	rules := `groups:
- name: g
  rules:
  - alert: Listed
    expr: up == 0
    annotations:
      hosts: '{{ range query "up" }}{{ .Labels.instance }},{{ end }}'
`
	huge := `groups:
- name: g
  rules:
  - alert: Huge
    expr: up == 0
    labels:
      big: '{{ range 100000000 }}x{{ end }}'
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(rules), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "huge.yaml"), []byte(huge), 0o644))
	test := func(alert, exp string) string {
		return "- interval: 1m\n  input_series:\n  - series: up{instance=\"a\"}\n    values: 0 0\n  - series: up{instance=\"b\"}\n    values: 1 1\n  alert_rule_test:\n  - eval_time: 1m\n    alertname: " + alert + "\n    exp_alerts: " + exp + "\n"
	}
	path := filepath.Join(dir, "t.yaml")
	listed := `[{exp_labels: {instance: a}, exp_annotations: {hosts: "a,b,"}}]`
	require.NoError(t, os.WriteFile(path, []byte("rule_files: [rules.yaml]\ntests:\n"+test("Listed", listed)), 0o644))
	hugePath := filepath.Join(dir, "huge_test.yaml")
	require.NoError(t, os.WriteFile(hugePath, []byte("rule_files: [huge.yaml]\ntests:\n"+test("Huge", "[]")), 0o644))
	for _, noPrune := range []bool{false, true} {
		res := harness.NewRunner(harness.Options{NoPrune: noPrune}).RunFile(path)
		require.Len(t, res.Tests, 1)
		assert.Empty(t, res.Tests[0].Failures, "no prune %v", noPrune)
		res = harness.NewRunner(harness.Options{NoPrune: noPrune}).RunFile(hugePath)
		require.Len(t, res.Tests, 1)
		huge := res.Tests[0]
		require.True(t, huge.BadInput, "no prune %v", noPrune)
		require.NotEmpty(t, huge.Failures)
		assert.Contains(t, huge.Failures[0].Message, "huge.yaml:4:5: alert Huge: the template of labels.big expands to more than 16MiB for one evaluation (--max-template-bytes)")
	}
	// The limit is the flag's.
	res := harness.NewRunner(harness.Options{Limits: harness.Limits{MaxTemplateBytes: 8}}).RunFile(path)
	require.True(t, res.Tests[0].BadInput)
	assert.Contains(t, res.Tests[0].Failures[0].Message, "annotations.hosts expands to more than 8 bytes")
}

package harness_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// A test group name or alertname with a newline, embedded in a failure
// message, is escaped where it is embedded: the message keeps the lines
// promtool's format gives it, and nothing from the input adds one.
func TestNamesInFailuresAreEscaped(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n"), 0o644))
	path := filepath.Join(dir, "t.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`rule_files: [rules.yaml]
tests:
- name: "grp\nok    fake.yaml:1  forged\e[32m"
  interval: 1m
  input_series:
  - series: up
    values: 0 0
  alert_rule_test:
  - eval_time: 1m
    alertname: "A\nfake"
    exp_alerts: [{}]
`), 0o644))
	res := harness.NewRunner(harness.Options{}).RunFile(path)
	require.Len(t, res.Tests, 1)
	require.Len(t, res.Tests[0].Failures, 1)
	msg := res.Tests[0].Failures[0].Message
	lines := strings.Split(msg, "\n")
	assert.Equal(t, `    name: grp\nok    fake.yaml:1  forged\x1b[32m,`, lines[0])
	assert.Equal(t, `    alertname: A\nfake, time: 1m, `, lines[1])
	assert.NotContains(t, msg, "\x1b")
	assert.Contains(t, msg, `A\nfake was never pending or firing`)
}

package harness_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// TestGroupEvalOrder checks promtool's group_eval_order: group "a" reads
// what group "b" records. In file order "a" runs first and sees b's result
// only from the next step; with group_eval_order [b, a] it sees it at once.
// Without an order the strict check reports the dependency.
func TestGroupEvalOrder(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(`groups:
- name: a
  rules:
  - record: a_copy
    expr: b_value
- name: b
  rules:
  - record: b_value
    expr: input
`), 0o644))
	test := func(order string, want string) string {
		return "rule_files: [rules.yaml]\nevaluation_interval: 1m\n" + order + "tests:\n- interval: 1m\n  input_series:\n  - series: input\n    values: 1 2 3\n  promql_expr_test:\n  - expr: a_copy\n    eval_time: 2m\n    exp_samples:\n    - labels: a_copy\n      value: " + want + "\n"
	}
	for _, tc := range []struct {
		name, content string
		pass          bool
	}{
		{"file order lags a step", test("", "2"), true},
		{"file order is not b first", test("", "3"), false},
		{"b first", test("group_eval_order: [b, a]\n", "3"), true},
		{"b first is not file order", test("group_eval_order: [b, a]\n", "2"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "t.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o644))
			for _, prune := range []bool{false, true} {
				res := harness.NewRunner(harness.Options{NoPrune: !prune}).RunFile(path)
				assert.Equal(t, tc.pass, !res.Failed(), "prune=%v: %s", prune, harness.FormatResult(res))
			}
		})
	}
	path := filepath.Join(dir, "t.yaml")
	require.NoError(t, os.WriteFile(path, []byte(test("", "2")), 0o644))
	res := harness.NewRunner(harness.Options{Strict: true}).RunFile(path)
	require.True(t, res.Failed())
	assert.Contains(t, res.Tests[0].Failures[0].Message, "group_eval_order is not set")
}

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Two PrometheusRules of one file with a group of one name, as the operator
// loads them (each as a rule file of its own): rulecheck test runs both
// groups and rulecheck lint reports nothing about the shared name.
func TestPrometheusRulesShareAGroupName(t *testing.T) {
	const dir = "../../testdata/crd-shared-group"
	for _, tc := range []struct {
		name   string
		args   []string
		stdout string
	}{
		{"test", []string{"test", "--strict", dir}, "2 test groups in 2 files: 2 passed, 0 failed"},
		{"test with coverage", []string{"test", "--coverage", "--min-coverage", "100", dir}, "3 (100.0%)"},
		{"lint", []string{"lint", dir + "/rules.yaml", dir + "/prometheus.yaml"}, "no findings in 2 files"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(tc.args...)
			assert.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, tc.stdout)
		})
	}
}

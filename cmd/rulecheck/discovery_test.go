package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/codevaldcortex/rulecheck/harness"
)

const freeRules = `groups:
- name: g
  rules:
  - alert: HighFree
    expr: free_bytes > 0
    labels: {severity: warning}
    annotations:
      summary: "Disk is {{ $value }} free."
`

const freeTest = `rule_files: [../rules/r.yaml]
tests:
- name: ok
  interval: 1m
  input_series:
  - series: free_bytes
    values: 1x5
  alert_rule_test:
  - eval_time: 2m
    alertname: HighFree
    exp_alerts:
    - exp_labels: {severity: warning}
      exp_annotations: {summary: "Disk is 1 free."}
`

// A fixture is held to the catalog of the configuration found from its own
// directory upward: the verdict is the same from any working directory,
// and the same through the Go API.
func TestCatalogFoundFromTheFileNotTheWorkingDirectory(t *testing.T) {
	root := project(t, map[string]string{
		".rulecheck.yaml":      "catalog: rules/metrics.yaml\n",
		"rules/metrics.yaml":   "metrics:\n- name: up\n  type: gauge\n",
		"rules/r.yaml":         freeRules,
		"tests/free_test.yaml": freeTest,
	})
	file := filepath.Join(root, "tests", "free_test.yaml")
	for _, wd := range []string{root, filepath.Join(root, "tests"), "/", t.TempDir()} {
		t.Run(wd, func(t *testing.T) {
			r := runIn(t, wd, "test", file)
			assert.Equal(t, exitBadInput, r.code, "%s%s", r.stdout, r.stderr)
			assert.Contains(t, r.stdout, "ERROR "+file+":3  ok")
			assert.Contains(t, r.stdout, "metric free_bytes is not in the catalog")
			assert.Contains(t, r.stdout, "is named by "+filepath.Join(root, ".rulecheck.yaml")+"; to test without it: rulecheck test --catalog ''")
			r = runIn(t, wd, "test", "--catalog", "", file)
			assert.Equal(t, exitOK, r.code, "%s%s", r.stdout, r.stderr)
		})
	}
	fr := harness.NewRunner(harness.Options{}).RunFile(file)
	ok, _ := harness.Verdicts(fr)
	assert.False(t, ok, "the Go API finds the same configuration")
	assert.True(t, fr.Tests[0].BadInput)
	fr = harness.NewRunner(harness.Options{NoCatalog: true}).RunFile(file)
	ok, _ = harness.Verdicts(fr)
	assert.True(t, ok)
}

// An absolute catalog path in .rulecheck.yaml is used as it is, by test
// and by lint.
func TestAbsoluteCatalogPath(t *testing.T) {
	root := project(t, map[string]string{
		"rules/metrics.yaml":   "metrics:\n- name: up\n  type: gauge\n",
		"rules/r.yaml":         freeRules,
		"tests/free_test.yaml": freeTest,
	})
	writeFile(t, filepath.Join(root, ".rulecheck.yaml"), "catalog: "+filepath.Join(root, "rules", "metrics.yaml")+"\n")
	r := runIn(t, root, "test", "tests/free_test.yaml")
	assert.Equal(t, exitBadInput, r.code, "%s%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "metric free_bytes is not in the catalog")
	r = runIn(t, "/", "lint", filepath.Join(root, "rules", "r.yaml"))
	assert.Equal(t, exitFailed, r.code, "%s%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "catalog/unknown-metric")
}

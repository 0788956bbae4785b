package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const coverageTests = `rule_files: [../rules/r.yaml]
tests:
- name: fires
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
- name: silent
  interval: 1m
  input_series:
  - series: free_bytes
    values: 0x5
  alert_rule_test:
  - eval_time: 2m
    alertname: HighFree
    exp_alerts: []
`

const lonelyRules = `groups:
- name: lonely
  rules:
  - alert: Lonely
    expr: vector(1)
`

// TestMinCoverage: --min-coverage fails below the threshold, listing the
// uncovered rules, and passes at or above it; --run counts what ran, and
// --rules-dir or the rules: list of .rulecheck.yaml bring in rule files no
// test loads, at 0%.
func TestMinCoverage(t *testing.T) {
	files := map[string]string{
		"rules/r.yaml":         freeRules,
		"rules/other.yaml":     lonelyRules,
		"tests/free_test.yaml": coverageTests,
	}
	withConfig := map[string]string{".rulecheck.yaml": "rules: [rules/]\n"}
	for k, v := range files {
		withConfig[k] = v
	}
	for _, tc := range []struct {
		name   string
		files  map[string]string
		args   []string
		code   int
		stderr string
	}{
		{name: "fired and silent: 100%", files: files, args: []string{"--min-coverage", "100"}, code: 0},
		{name: "only fired ran", files: files, args: []string{"--min-coverage", "1", "--run", "^fires$"}, code: 1,
			stderr: "rule coverage 0.0% (0 of 1 rules) is below --min-coverage 1%; uncovered:\n  rules/r.yaml:4: alert HighFree: never asserted silent\n"},
		{name: "only silent ran", files: files, args: []string{"--min-coverage", "100", "--run", "^silent$"}, code: 1, stderr: "HighFree: never asserted firing"},
		{name: "untested file at 0% fails 100", files: files, args: []string{"--min-coverage", "100", "--rules-dir", "rules/"}, code: 1, stderr: "rules/other.yaml:4: alert Lonely: no test loads its file"},
		{name: "untested file at 0% passes 50", files: files, args: []string{"--min-coverage", "50", "--rules-dir", "rules/"}, code: 0},
		{name: "rules: list of the configuration", files: withConfig, args: []string{"--min-coverage", "100"}, code: 1, stderr: "alert Lonely: no test loads its file"},
		{name: "percentage out of range", files: files, args: []string{"--min-coverage", "150"}, code: 2, stderr: "--min-coverage 150: expected a percentage from 0 to 100"},
		{name: "unknown format", files: files, args: []string{"--coverage-out", "c.xml", "--coverage-format", "xml"}, code: 2, stderr: `--coverage-format "xml": expected json, lcov or cobertura`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := project(t, tc.files)
			r := runIn(t, root, append([]string{"test", "tests/"}, tc.args...)...)
			assert.Equal(t, tc.code, r.code, r.stderr)
			if tc.stderr != "" {
				assert.Contains(t, r.stderr, tc.stderr)
			}
		})
	}
}

// TestCoverageTableAndOut: --coverage prints the table after the results;
// --coverage-out writes the chosen format.
func TestCoverageTableAndOut(t *testing.T) {
	root := project(t, map[string]string{"rules/r.yaml": freeRules, "tests/free_test.yaml": coverageTests})
	r := runIn(t, root, "test", "tests/", "--coverage", "--coverage-out", "c.lcov", "--coverage-format", "lcov")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "2 test groups in 1 files: 2 passed, 0 failed\n\nrule file     rules  fired  silent  read  covered\nrules/r.yaml  1      1/1    1/1     -     1 (100.0%)\n")
	b, err := os.ReadFile(filepath.Join(root, "c.lcov"))
	require.NoError(t, err)
	assert.Contains(t, string(b), "SF:rules/r.yaml\nBRDA:4,0,0,1\nBRDA:4,0,1,1\n")
}

// TestCoverageTableBesideJSON: with --format json the table goes to
// standard error, so standard output stays one JSON document.
func TestCoverageTableBesideJSON(t *testing.T) {
	root := project(t, map[string]string{"rules/r.yaml": freeRules, "tests/free_test.yaml": coverageTests})
	r := runIn(t, root, "test", "tests/", "--coverage", "--format", "json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, json.Valid([]byte(r.stdout)), r.stdout)
	assert.Contains(t, r.stderr, "rules/r.yaml  1      1/1    1/1     -     1 (100.0%)\n")
}

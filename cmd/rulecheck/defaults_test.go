package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A PrometheusRule written as kube-prometheus writes them: severity none on
// a watchdog-style alert, no team label, description and runbook_url but no
// summary on one alert.
const foreignRules = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: general-rules, namespace: monitoring}
spec:
  groups:
  - name: general.rules
    rules:
    - alert: InfoInhibitor
      annotations:
        description: Alert used to inhibit info alerts.
        runbook_url: https://runbooks.prometheus-operator.dev/runbooks/general/infoinhibitor
      expr: ALERTS{severity = "info"} == 1 unless on (namespace) ALERTS{alertname != "InfoInhibitor", severity =~ "warning|critical", alertstate="firing"} == 1
      labels:
        severity: none
    - alert: TargetDown
      annotations:
        description: '{{ $value }}% of the {{ $labels.job }} targets are down.'
        summary: Some targets were not reachable.
      expr: 100 * (count by (job, namespace) (up == 0) / count by (job, namespace) (up)) > 10
      for: 10m
      labels:
        severity: critical
`

// Without a configuration, lint reports only what is wrong for everybody:
// required labels, allowed severities and required annotations are house
// rules, which a .rulecheck.yaml sets.
func TestLintDefaultsForAnyTeam(t *testing.T) {
	root := project(t, map[string]string{"rules/general.yaml": foreignRules})
	for _, wd := range []string{root, filepath.Join(root, "rules")} {
		rel, err := filepath.Rel(wd, filepath.Join(root, "rules/general.yaml"))
		require.NoError(t, err)
		r := runIn(t, wd, "lint", "--fail-on", "info", rel)
		assert.NotContains(t, r.stdout, "alert/required-labels", wd)
		assert.NotContains(t, r.stdout, "alert/required-annotations", wd)
	}
	writeFile(t, filepath.Join(root, ".rulecheck.yaml"), `alerts:
  required_labels: [severity, team]
  severities: [critical, warning, info]
  required_annotations: [summary, description]
  critical_annotations: [runbook_url]
`)
	r := runIn(t, filepath.Join(root, "rules"), "lint", "general.yaml")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stdout, `severity "none" is not one of critical, warning, info`)
	assert.Contains(t, r.stdout, `has no label "team"`)
	assert.Contains(t, r.stdout, `alert/required-annotations`)
}

// SARIF's tool version is the build's version, as "rulecheck version"
// prints it.
func TestSARIFVersionFromBuildInfo(t *testing.T) {
	root := project(t, map[string]string{"rules/general.yaml": foreignRules})
	v := runIn(t, root, "version")
	require.Equal(t, exitOK, v.code)
	version := strings.TrimSpace(strings.TrimPrefix(v.stdout, "rulecheck "))
	require.NotEmpty(t, version)
	r := runIn(t, root, "lint", "--format", "sarif", "rules/general.yaml")
	var doc struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Version string `json:"version"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	require.Len(t, doc.Runs, 1)
	assert.Equal(t, version, doc.Runs[0].Tool.Driver.Version)
	assert.NotEqual(t, "dev", version)
}

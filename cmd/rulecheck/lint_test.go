package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/lint/checks"
)

func runArgs(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func lintFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

const seedCatalog = "../../internal/lint/testdata/seed/metrics.yaml"

func TestLintExitCodes(t *testing.T) {
	dir := t.TempDir()
	cfg := lintFile(t, dir, "house.yaml", "alerts: {required_annotations: [summary, description]}\n")
	clean := lintFile(t, dir, "clean.yaml", `groups:
- name: g
  rules:
  - alert: A
    expr: up == 0
    for: 5m
    labels: {severity: warning, team: t}
    annotations: {summary: s, description: d}
`)
	warn := lintFile(t, dir, "warn.yaml", `groups:
- name: g
  rules:
  - alert: A
    expr: up == 0
    for: 5m
    labels: {severity: warning, team: t}
`)
	broken := lintFile(t, dir, "broken.yaml", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up ==\n")
	other := lintFile(t, dir, "other.yaml", "metrics: []\n")
	deep := lintFile(t, dir, "deep.yaml", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      x: "+strings.Repeat("[", 300)+strings.Repeat("]", 300)+"\n")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"clean", []string{clean}, exitOK, "no findings in 1 file", ""},
		{"warning below fail-on", []string{warn}, exitOK, "warning alert/required-annotations", ""},
		{"warning at fail-on", []string{"--fail-on", "warning", warn}, exitFailed, "0 errors, 1 warning, 0 infos in 1 of 1 file", ""},
		{"syntax error is a finding", []string{broken}, exitFailed, "error syntax/promql", ""},
		{"missing file", []string{filepath.Join(dir, "nope.yaml")}, exitBadInput, "", "no such file"},
		{"not lintable", []string{other}, exitBadInput, "", "not a rule file"},
		{"bad flag", []string{"--nope"}, exitBadInput, "", "unknown flag --nope (rulecheck lint -h lists the flags)"},
		{"bad format", []string{"--format", "xml", clean}, exitBadInput, "", `--format "xml"`},
		{"bad fail-on", []string{"--fail-on", "off", clean}, exitBadInput, "", "--fail-on"},
		{"bad catalog", []string{"--catalog", other + "x", clean}, exitBadInput, "", "catalog"},
		{"empty dir", []string{t.TempDir()}, exitBadInput, "", "no rule files"},
		{"YAML beyond a limit is unreadable", []string{deep}, exitBadInput, "", deep + ":7:1: YAML nested more than 200 levels deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runArgs(append([]string{"lint", "--config", cfg, "--catalog", seedCatalog}, tt.args...)...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, tt.stdout)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

// TestLintSeed runs the command over the seed's PrometheusRule and checks
// the findings the review asked for, with their positions.
func TestLintSeed(t *testing.T) {
	code, stdout, stderr := runArgs("lint", "--config", os.DevNull, "--catalog", seedCatalog, "../../internal/lint/testdata/seed/pweza-core-alerts.yaml")
	require.Equal(t, exitFailed, code, stderr)
	for _, want := range []string{
		"pweza-core-alerts.yaml:27:18: error promql/rate-on-gauge: rate() over pweza_agent_cpu_usage_seconds_total",
		"pweza-core-alerts.yaml:69:13: error promql/histogram-bare-name: pweza_workflow_execution_duration_seconds",
		"pweza-core-alerts.yaml:81:13: warning promql/raw-counter: pweza_database_connection_errors_total", // not in the catalog: a guess from the name
		"pweza-core-alerts.yaml:37:46: error catalog/unknown-metric: metric pweza_agent_memory_limit_bytes",
	} {
		assert.Contains(t, stdout, want)
	}
}

func TestLintList(t *testing.T) {
	code, stdout, _ := runArgs("lint", "--list")
	require.Equal(t, exitOK, code)
	for _, c := range checks.All() {
		assert.Contains(t, stdout, c.ID+" ("+c.Severity.String())
		assert.Contains(t, strings.Join(strings.Fields(stdout), " "), strings.Join(strings.Fields(c.Doc), " ")[:40])
	}
}

func TestLintFormats(t *testing.T) {
	seed := "../../internal/lint/testdata/seed"
	for _, format := range []string{"text", "json", "junit", "github", "sarif", "checkstyle"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runArgs("lint", "--config", os.DevNull, "--catalog", seedCatalog, "--format", format, seed)
			require.Equal(t, exitFailed, code, stderr)
			switch format {
			case "json", "sarif":
				var v map[string]any
				require.NoError(t, json.Unmarshal([]byte(stdout), &v))
			case "junit", "checkstyle":
				var v struct{ XMLName xml.Name }
				require.NoError(t, xml.Unmarshal([]byte(stdout), &v))
			case "github":
				assert.True(t, strings.HasPrefix(stdout, "::error file="), stdout)
			}
		})
	}
}

func TestLintOutputFileAndColor(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.sarif")
	seed := "../../internal/lint/testdata/seed/pweza-core-alerts.yaml"
	code, stdout, _ := runArgs("lint", "--config", os.DevNull, "--catalog", seedCatalog, "--format", "sarif", "-o", out, seed)
	require.Equal(t, exitFailed, code)
	assert.Empty(t, stdout)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"version": "2.1.0"`)

	_, stdout, _ = runArgs("lint", "--config", os.DevNull, "--catalog", seedCatalog, "--color", "always", seed)
	assert.Contains(t, stdout, "\x1b[31merror\x1b[0m")
	_, stdout, _ = runArgs("lint", "--config", os.DevNull, "--catalog", seedCatalog, seed)
	assert.NotContains(t, stdout, "\x1b[", "no colour when stdout is not a terminal")
}

// TestLintProject lints the project's own rules, dashboards and Prometheus
// resource with its .rulecheck.yaml and catalog, as "rulecheck lint rules/
// dashboards/ deploy/" does: the files must load, whatever they report.
func TestLintProject(t *testing.T) {
	t.Chdir("../..")
	code, stdout, stderr := runArgs("lint", "rules/", "dashboards/", "deploy/")
	require.NotEqual(t, exitBadInput, code, "stderr:\n%s", stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "dashboards/agent-management.json:")
	assert.NotContains(t, stdout, "catalog/unknown-metric", "every metric the project uses is in rules/metrics.yaml")
	assert.NotContains(t, stdout, "operator/rule-not-selected", "deploy/prometheus.yaml selects the project's PrometheusRules")
}

func TestLintIgnoreInFile(t *testing.T) {
	dir := t.TempDir()
	p := lintFile(t, dir, "r.yaml", `groups:
- name: g
  rules:
  # rulecheck:ignore promql/raw-counter restarts are what we count here
  - alert: A
    expr: restarts_total > 3
    for: 5m
    labels: {severity: warning, team: t}
    annotations: {summary: s, description: d}
  # rulecheck:ignore promql/raw-counter
  - alert: B
    expr: restarts_total > 3
    for: 5m
    labels: {severity: warning, team: t}
    annotations: {summary: s, description: d}
`)
	code, stdout, _ := runArgs("lint", "--config", os.DevNull, "--catalog", seedCatalog, "--fail-on", "warning", p)
	assert.Equal(t, exitFailed, code)
	assert.NotContains(t, stdout, "error promql/raw-counter")
	assert.Contains(t, stdout, "r.yaml:10:3: warning lint/ignore: rulecheck:ignore promql/raw-counter without a reason")
}

// TestLintConfigBombOneLine: an alias bomb in the configuration is refused
// in one line with its line number, before it is expanded.
func TestLintConfigBombOneLine(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("namespace_labels:\n  a: &a {x: y, y: z, z: w, w: v, v: u, u: t, t: s, s: r, r: q, q: p}\n")
	prev := "a"
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "  l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", "))
		prev = fmt.Sprintf("l%d", i)
	}
	cfg := lintFile(t, dir, "bomb.yaml", b.String())
	rules := lintFile(t, dir, "r.yaml", "groups: []\n")
	code, _, stderr := runArgs("lint", "--config", cfg, rules)
	assert.Equal(t, exitBadInput, code)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.Contains(t, stderr, "bomb.yaml: invalid configuration: line 3: YAML aliases expand to more than")
}

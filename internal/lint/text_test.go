package lint_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/checks"
)

// TestTextPositions maps offsets of YAML scalar values of every style back
// to the file.
func TestTextPositions(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		// find is a substring of the value; want is where its first
		// character is in the file.
		find string
		want lint.Pos
	}{
		{"plain", "expr: rate(x[5m]) > 1\n", "x[", lint.Pos{Line: 1, Column: 12}},
		{"double quoted", "expr: \"rate(x{a=\\\"b\\\"}[5m]) > 1\"\n", "[5m]", lint.Pos{Line: 1, Column: 23}},
		{"single quoted", "expr: 'a{b=''c''} > 1'\n", "> 1", lint.Pos{Line: 1, Column: 19}},
		{"literal block", "expr: |\n  sum by (job) (\n    rate(x[5m])\n  ) > 1\n", "x[", lint.Pos{Line: 3, Column: 10}},
		{"literal block strip", "expr: |-\n    up\n    == 0\n", "== 0", lint.Pos{Line: 3, Column: 5}},
		{"folded block", "expr: >\n  sum(\n    rate(x[5m])\n  )\n  > 1\n", "> 1", lint.Pos{Line: 5, Column: 3}},
		{"plain multi-line", "expr: sum(rate(x[5m]))\n  / sum(rate(y[5m]))\n", "y[", lint.Pos{Line: 2, Column: 14}},
		{"unicode", "expr: up{a=\"é\"} + up{b=\"ü\"}\n", "up{b", lint.Pos{Line: 1, Column: 19}},
		{"block with comment on header", "expr: | # the query\n  up == 0\n", "== 0", lint.Pos{Line: 2, Column: 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			require.NoError(t, yaml.Unmarshal([]byte(tt.yaml), &doc))
			v := doc.Content[0].Content[1]
			src := lint.NewSource([]byte(tt.yaml))
			text := src.NewText(lint.Pos{Line: v.Line, Column: v.Column}, v.Value)
			off := strings.Index(v.Value, tt.find)
			require.GreaterOrEqual(t, off, 0, "%q not in %q", tt.find, v.Value)
			assert.Equal(t, tt.want, text.Pos(off))
		})
	}
}

func TestSourcePos(t *testing.T) {
	src := lint.NewSource([]byte("ab\ncdé\nf"))
	tests := []struct {
		off  int
		want lint.Pos
	}{
		{0, lint.Pos{Line: 1, Column: 1}},
		{3, lint.Pos{Line: 2, Column: 1}},
		{7, lint.Pos{Line: 2, Column: 4}}, // after the two-byte é
		{8, lint.Pos{Line: 3, Column: 1}},
		{100, lint.Pos{Line: 3, Column: 2}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, src.Pos(tt.off), "offset %d", tt.off)
		if tt.off < 9 {
			assert.Equal(t, tt.off, src.Offset(tt.want), "pos %v", tt.want)
		}
	}
	assert.Equal(t, "cdé", src.Line(2))
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

var testCatalog = func() *catalog.Catalog {
	c, err := catalog.Parse([]byte(`
jobs: [{name: app, scrape_interval: 30s}]
metrics:
- {name: requests_total, type: counter, labels: [code], jobs: [app]}
- {name: temperature, type: gauge, labels: [room], jobs: [app]}
`))
	if err != nil {
		panic(err)
	}
	return c
}()

// TestFindingPositions checks line and column of findings inside
// expressions written in each YAML style, in a PrometheusRule, and in a
// dashboard.
func TestFindingPositions(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"plain", "plain.yaml", `groups:
- name: g
  rules:
  - record: r
    expr: rate(temperature[5m])
`, []string{"5:16 promql/rate-on-gauge"}},
		{"literal block", "block.yaml", `groups:
- name: g
  rules:
  - record: r
    expr: |
      sum by (room) (
        rate(temperature[5m])
      )
`, []string{"7:14 promql/rate-on-gauge"}},
		{"folded block", "folded.yaml", `groups:
- name: g
  rules:
  - record: r
    expr: >-
      sum(
        nope_metric
      )
`, []string{"7:9 catalog/unknown-metric"}},
		{"double quoted", "quoted.yaml", `groups:
- name: g
  rules:
  - record: r
    expr: "requests_total{code=\"500\", status=\"x\"} > 1"
`, []string{"5:12 promql/raw-counter", "5:41 catalog/unknown-label"}},
		{"prometheusrule", "crd.yaml", `# a comment
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: x
spec:
  groups:
  - name: g
    rules:
    - alert: A
      expr: increase(temperature[10m]) > 1
      for: 5m
      labels: {severity: info, team: x}
      annotations: {summary: s, description: d}
`, []string{"11:22 promql/rate-on-gauge"}},
		{"dashboard", "dash.json", `{
  "panels": [
    {
      "title": "T",
      "targets": [
        {
          "expr": "rate(temperature[5m])",
          "legendFormat": "{{room}}"
        },
        {"expr": "sum(rate(requests_total[$__rate_interval])) by (codes)", "legendFormat": "{{codes}}"}
      ]
    }
  ]
}
`, []string{"7:25 promql/rate-on-gauge", "10:67 catalog/unknown-label", "10:93 dashboard/legend-label"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, tt.file, tt.content)
			res, err := lint.Run([]string{path}, lint.Options{Checks: checks.All(), Catalog: testCatalog})
			require.NoError(t, err)
			var got []string
			for _, f := range res.Findings {
				switch f.Check {
				case "alert/missing-for", "alert/required-labels", "alert/required-annotations", "dashboard/legend-constant", "engine/info":
					continue
				}
				got = append(got, f.Pos().String()+" "+f.Check)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestFileKinds checks what is linted, skipped, or refused.
func TestFileKinds(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "rules/a.yaml", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n")
	writeFile(t, dir, "rules/metrics.yaml", "metrics:\n- {name: up, type: gauge}\n")
	writeFile(t, dir, "rules/tests.yaml", "rule_files: [a.yaml]\ntests: []\n")
	writeFile(t, dir, "rules/sm.yaml", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\n")
	writeFile(t, dir, "rules/.hidden/b.yaml", "groups: []\n")
	writeFile(t, dir, "rules/"+lint.DefaultConfigFile, "checks: {}\n")
	writeFile(t, dir, "rules/notes.txt", "hello")
	writeFile(t, dir, "rules/dash.json", `{"dashboard": {"panels": []}}`)
	writeFile(t, dir, "rules/other.json", `{"a": 1}`)
	writeFile(t, dir, "rules/prom.yml", "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: p, namespace: m}\nspec: {ruleSelector: {}}\n")

	res, err := lint.Run([]string{filepath.Join(dir, "rules")}, lint.Options{Checks: checks.All()})
	require.NoError(t, err)
	var got []string
	for _, f := range res.Files {
		got = append(got, filepath.Base(f.Path)+" "+f.Kind.String())
	}
	assert.Equal(t, []string{"a.yaml rule file", "dash.json dashboard", "prom.yml Prometheus resource"}, got)
	require.Len(t, res.Project.Prometheuses, 1)

	_, err = lint.Run([]string{filepath.Join(dir, "rules/metrics.yaml")}, lint.Options{Checks: checks.All()})
	var ie *lint.InputError
	require.ErrorAs(t, err, &ie)
	assert.ErrorIs(t, err, lint.ErrNotLintable)

	_, err = lint.Run([]string{filepath.Join(dir, "missing.yaml")}, lint.Options{Checks: checks.All()})
	require.ErrorAs(t, err, &ie)

	_, err = lint.Run([]string{filepath.Join(dir, "rules/a.yaml")}, lint.Options{Checks: checks.All(), PrometheusFiles: []string{filepath.Join(dir, "rules/dash.json")}})
	require.ErrorContains(t, err, "holds no Prometheus resource")
}

func TestGrafanaVariables(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "d.json", `{"panels": [{"title": "x", "targets": [
  {"expr": "rate(requests_total{code=\"$code\"}[$__rate_interval]) / rate(requests_total[$interval]) > nope"}
]}]}`)
	res, err := lint.Run([]string{path}, lint.Options{Checks: checks.All(), Catalog: testCatalog})
	require.NoError(t, err)
	require.Len(t, res.Files, 1)
	require.Len(t, res.Files[0].Exprs, 1)
	e := res.Files[0].Exprs[0]
	require.NotNil(t, e.AST, "query %q", e.Query)
	assert.Equal(t, `rate(requests_total{code="$code"}[5m]) / rate(requests_total[5m]) > nope`, e.Query)
	var unknown []string
	for _, f := range res.Findings {
		if f.Check == "catalog/unknown-metric" {
			unknown = append(unknown, f.Pos().String())
		}
	}
	// "nope" is at column 104 of line 2 in the file.
	assert.Equal(t, []string{"2:104"}, unknown)
}

func TestConfig(t *testing.T) {
	c, err := lint.ParseConfig([]byte(`
catalog: m.yaml
alerts:
  required_labels: [owner]
checks:
  alert/missing-for: off
  promql/raw-counter: warning
`))
	require.NoError(t, err)
	assert.Equal(t, "m.yaml", c.Catalog)
	assert.Equal(t, []string{"owner"}, c.Alerts.RequiredLabels)
	assert.Equal(t, "severity", c.Alerts.SeverityLabel, "unset fields keep their defaults")
	assert.Equal(t, lint.Severity(0), c.Severity(checks.ByID("alert/missing-for")))
	assert.Equal(t, lint.Warning, c.Severity(checks.ByID("promql/raw-counter")))
	assert.Equal(t, lint.Error, c.Severity(checks.ByID("promql/rate-on-gauge")))
	require.NoError(t, c.ValidateChecks(checks.All()))

	for _, bad := range []struct{ yaml, err string }{
		{"checks: {promql/raw-counter: loud}", `unknown severity "loud"`},
		{"colour: red", "field colour not found"},
		{"rule_file_sets: [{rule_files: [a.yaml]}]", "rule_file_sets[0]: name is missing"},
		{"rule_file_sets: [{name: prod}]", "rule_file_sets[0] (prod): rule_files is empty"},
		{"rule_file_sets: [{name: prod, rule_files: ['rules/[a']}]", "rule_file_sets[0] (prod): rule_files: \"rules/[a\": syntax error in pattern"},
	} {
		_, err := lint.ParseConfig([]byte(bad.yaml))
		require.ErrorContains(t, err, bad.err)
	}
	c, err = lint.ParseConfig([]byte("checks: {no/such-check: off}"))
	require.NoError(t, err)
	require.ErrorContains(t, c.ValidateChecks(checks.All()), `unknown check "no/such-check"`)
	c, err = lint.ParseConfig(nil)
	require.NoError(t, err)
	assert.Equal(t, lint.DefaultConfig().Alerts, c.Alerts)
}

// TestSeverityOff checks that a check set to off reports nothing and that
// a check needing a catalog does not run without one.
func TestSeverityOff(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "r.yaml", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: nope_total > 1\n")
	cfg := lint.DefaultConfig()
	cfg.SetSeverity("promql/raw-counter", 0)
	res, err := lint.Run([]string{path}, lint.Options{Checks: checks.All(), Config: cfg})
	require.NoError(t, err)
	for _, f := range res.Findings {
		assert.NotEqual(t, "promql/raw-counter", f.Check)
		assert.NotEqual(t, "catalog/unknown-metric", f.Check, "needs a catalog")
	}
	cfg.Alerts.RequiredLabels = []string{"team"}
	cfg.SetSeverity("alert/required-labels", lint.Info)
	res, err = lint.Run([]string{path}, lint.Options{Checks: checks.All(), Config: cfg})
	require.NoError(t, err)
	found := false
	for _, f := range res.Findings {
		if f.Check == "alert/required-labels" {
			found = true
			assert.Equal(t, lint.Info, f.Severity)
		}
	}
	assert.True(t, found)
}

// TestSourcePosLongLines checks the checkpointed mapping against counting
// from the line start, on long lines with multi-byte characters that
// straddle checkpoints, both ways.
func TestSourcePosLongLines(t *testing.T) {
	var b strings.Builder
	for i := range 3000 {
		b.WriteString([]string{"a", "é", "€", "𝄞", " ", "x"}[i%6])
		if i%997 == 0 {
			b.WriteString("\n")
		}
	}
	content := []byte(b.String())
	src := lint.NewSource(content)
	line, col := 1, 1
	for off := 0; off <= len(content); off++ {
		if off == len(content) || !utf8.RuneStart(content[off]) {
			continue
		}
		want := lint.Pos{Line: line, Column: col}
		require.Equal(t, want, src.Pos(off), "offset %d", off)
		require.Equal(t, off, src.Offset(want), "pos %v", want)
		if content[off] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
}

// BenchmarkTextMinified maps a 60 KB expression on one line of a minified
// dashboard: linear in its length (it was quadratic, each character's
// column counted again from the line start).
func BenchmarkTextMinified(b *testing.B) {
	expr := strings.Repeat("sum(rate(x{a=\"b\"}[5m])) + ", 2400)
	content := []byte(`{"panels":[{"targets":[{"expr":"` + strings.ReplaceAll(expr, `"`, `\"`) + `"}]}]}`)
	src := lint.NewSource(content)
	start := src.Pos(strings.Index(string(content), `"sum`))
	for b.Loop() {
		_ = src.NewText(start, expr)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/report"
)

// corpus returns the promtool conformance corpus, skipping outside CI when
// it is absent (it ships beside the project, not in it).
func corpus(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("RULECHECK_CONFORMANCE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "conformance")
	}
	if _, err := os.Stat(filepath.Join(dir, "golden.json")); err != nil {
		msg := "promtool conformance corpus not found at " + dir + " (set RULECHECK_CONFORMANCE_DIR)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

// TestJUnitNamesMatchPromtool checks that --junit writes, for every file of
// the corpus, the testcase names and verdicts promtool 3.16 wrote.
func TestJUnitNamesMatchPromtool(t *testing.T) {
	dir := corpus(t)
	b, err := os.ReadFile(filepath.Join(dir, "golden.json"))
	require.NoError(t, err)
	var golden map[string]struct {
		OK    bool              `json:"ok"`
		Cases map[string]string `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &golden))
	for name, want := range golden {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.xml")
			var stdout, stderr bytes.Buffer
			code := run([]string{"test", "--junit", out, filepath.Join(dir, name)}, &stdout, &stderr)
			if want.OK {
				assert.Equal(t, exitOK, code, stdout.String())
			} else {
				assert.NotEqual(t, exitOK, code)
			}
			x, err := os.ReadFile(out)
			require.NoError(t, err)
			suites, err := report.ReadJUnit(x)
			require.NoError(t, err)
			require.Len(t, suites, 1)
			assert.Equal(t, want.Cases, suites[0].Cases)
		})
	}
}

// TestPrometheusRuleAsRuleFile runs Thanos's promtool suite against its
// alerts and recording rules converted to PrometheusRule resources: the
// verdicts are promtool's on the plain files.
func TestPrometheusRuleAsRuleFile(t *testing.T) {
	dir := corpus(t)
	tmp := t.TempDir()
	for _, name := range []string{"alerts.yaml", "rules.yaml"} {
		plain, err := os.ReadFile(filepath.Join(dir, "thanos", name))
		require.NoError(t, err)
		crd := "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: thanos-" + strings.TrimSuffix(name, ".yaml") + "\nspec:\n" + indent(string(plain), "  ")
		require.NoError(t, os.WriteFile(filepath.Join(tmp, "crd-"+name), []byte(crd), 0o644))
	}
	tests, err := os.ReadFile(filepath.Join(dir, "thanos", "tests.yaml"))
	require.NoError(t, err)
	s := strings.Replace(string(tests), "alerts.yaml", "crd-alerts.yaml", 1)
	s = strings.Replace(s, "rules.yaml", "crd-rules.yaml", 1)
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "tests.yaml"), []byte(s), 0o644))

	var stdout, stderr bytes.Buffer
	code := run([]string{"test", filepath.Join(tmp, "tests.yaml")}, &stdout, &stderr)
	assert.Equal(t, exitOK, code, stdout.String()+stderr.String())
	assert.Contains(t, stdout.String(), "2 passed, 0 failed")

	// Break one expectation: the CRD-backed run must fail like the plain one.
	broken := strings.Replace(s, "severity: critical", "severity: page", 1)
	require.NotEqual(t, s, broken)
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "tests.yaml"), []byte(broken), 0o644))
	stdout.Reset()
	assert.Equal(t, exitFailed, run([]string{"test", filepath.Join(tmp, "tests.yaml")}, &stdout, &stderr), stdout.String())
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

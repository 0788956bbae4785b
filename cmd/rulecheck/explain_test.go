package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// explainGolden compares output with testdata/explain/NAME (-update
// rewrites it).
func explainGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "explain", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), got)
}

func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		name, golden string
		args         []string
		locale       string
	}{
		{"one group, ASCII", "agent-down-ascii.txt", []string{"explain", "../../fixtures/agent-down.yaml:40"}, "C"},
		{"--at", "agent-down-at.txt", []string{"explain", "--at", "2m", "--no-unicode", "../../fixtures/agent-down.yaml:40"}, "C.UTF-8"},
		{"Unicode", "agent-down-unicode.txt", []string{"explain", "../../fixtures/agent-down.yaml:40"}, "C.UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("LC_ALL", tc.locale)
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			require.Equal(t, exitOK, code, errb.String())
			assert.NotContains(t, out.String(), "\x1b[", "no colour off a terminal")
			explainGolden(t, tc.golden, out.String())
		})
	}
}

func TestExplainBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"explain"},
		{"explain", "../../fixtures/agent-down.yaml:1"},
		{"explain", "--at", "soon", "../../fixtures/agent-down.yaml"},
		{"explain", "no-such-file.yaml"},
	} {
		var out, errb bytes.Buffer
		assert.Equal(t, exitBadInput, run(args, &out, &errb), strings.Join(args, " "))
		assert.NotEmpty(t, errb.String())
	}
}

// A failed test group gets its chart after the results with --chart
// always, not with --chart never or off a terminal by default.
func TestChartBelowFailure(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	dir := t.TempDir()
	src, err := os.ReadFile("../../fixtures/agent-down.yaml")
	require.NoError(t, err)
	broken := strings.Replace(string(src), "firing: 2m30s", "firing: 3m", 1)
	broken = strings.ReplaceAll(broken, "../rules/", filepath.Join(mustAbs(t, "../../rules"))+"/")
	broken = strings.ReplaceAll(broken, "../deploy/", filepath.Join(mustAbs(t, "../../deploy"))+"/")
	path := filepath.Join(dir, "broken.yaml")
	require.NoError(t, os.WriteFile(path, []byte(broken), 0o644))
	for _, tc := range []struct {
		flag  string
		chart bool
	}{{"--chart=always", true}, {"--chart=never", false}, {"--chart=auto", false}} {
		var out, errb bytes.Buffer
		code := run([]string{"test", "--catalog=", tc.flag, path}, &out, &errb)
		assert.Equal(t, exitFailed, code, errb.String())
		assert.Equal(t, tc.chart, strings.Contains(out.String(), "first differs at 2m30s: expected pending, got firing"), tc.flag+"\n"+out.String())
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	require.NoError(t, err)
	return a
}

// --html writes the report once the run completes, and refuses to
// overwrite an input.
func TestHTMLReport(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	var stdout, stderr bytes.Buffer
	code := run([]string{"test", "--html", out, "--coverage", "../../fixtures/agent-down.yaml"}, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(page), `<svg class="chart"`)
	assert.Contains(t, string(page), `id="coverage"`)
	assert.Contains(t, string(page), "../../fixtures/agent-down.yaml:17")

	stderr.Reset()
	code = run([]string{"test", "--html", "../../fixtures/agent-down.yaml", "../../fixtures/agent-down.yaml"}, &stdout, &stderr)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, stderr.String(), "--html")
}

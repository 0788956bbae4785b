package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/demodata"
)

var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

// demoTSDB writes one day of the demo data once for the package's tests.
func demoTSDB(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rulecheck-backtest-cli-")
		if err != nil {
			demoErr = err
			return
		}
		demoDir = filepath.Join(dir, "data")
		_, demoErr = demodata.Write(context.Background(), demoDir, demodata.Options{Days: 1})
	})
	require.NoError(t, demoErr)
	return demoDir
}

const demoFrom, demoTo = "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// checkGolden compares got with the golden file, rewriting it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create it")
	assert.Equal(t, string(want), got)
}

// seedRules are the seed's original rules, the baseline the tests compare
// the repository's rules with.
const seedRules = "../../internal/lint/testdata/seed/pweza-core-alerts.yaml"

func mustTime(t *testing.T, s string) time.Time {
	tm, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return tm
}

func TestBacktestOutputs(t *testing.T) {
	dir := demoTSDB(t)
	rules := "../../rules/pweza-core-alerts.yaml"
	tests := []struct {
		name   string
		args   []string
		golden string
	}{
		{"text", []string{"--format", "text"}, "testdata/backtest/report.txt"},
		{"json", []string{"--format", "json"}, "testdata/backtest/report.json"},
		{"github", []string{"--format", "github"}, "testdata/backtest/report.md"},
		{"baseline text", []string{"--baseline", seedRules}, "testdata/backtest/baseline.txt"},
		{"baseline json", []string{"--format", "json", "--baseline", seedRules}, "testdata/backtest/baseline.json"},
		{"baseline github", []string{"--format", "github", "--baseline", seedRules}, "testdata/backtest/baseline.md"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"backtest", "--from", demoFrom, "--to", demoTo, "--tsdb", dir}, tc.args...)
			code, out, errOut := runCLI(append(args, rules)...)
			require.Equal(t, exitOK, code, errOut)
			checkGolden(t, tc.golden, strings.ReplaceAll(out, dir, "DATA"))
		})
	}
}

// htmlArgs run the rules of testdata/backtest/html over four hours of the
// demo data around AgentDown's first episode, with their baseline, from a
// source (--tsdb DIR, say), in a format.
func htmlArgs(format, sourceFlag, source string) []string {
	return []string{"backtest", "--from", "2026-11-02T03:00:00Z", "--to", "2026-11-02T07:00:00Z", sourceFlag, source, "--format", format,
		"--baseline", "testdata/backtest/html/baseline.yaml", "testdata/backtest/html/rules.yaml"}
}

// The HTML report of a small run with a baseline: its page is the golden
// one, and its episodes are those of the JSON report of the same run.
func TestBacktestHTML(t *testing.T) {
	dir := demoTSDB(t)
	code, page, errOut := runCLI(htmlArgs("html", "--tsdb", dir)...)
	require.Equal(t, exitOK, code, errOut)
	checkGolden(t, "testdata/backtest/html/report.html", strings.ReplaceAll(page, dir, "DATA"))
	for _, banned := range []string{"<script", "<link", "<img", "<iframe", "@import", "url(", " src=", `href="http`} {
		assert.NotContains(t, page, banned)
	}
	code, js, errOut := runCLI(htmlArgs("json", "--tsdb", dir)...)
	require.Equal(t, exitOK, code, errOut)
	var rep struct {
		Episodes []struct{ ID string }
	}
	require.NoError(t, json.Unmarshal([]byte(js), &rep))
	require.NotEmpty(t, rep.Episodes)
	for _, e := range rep.Episodes {
		assert.Contains(t, page, "<td>"+e.ID+"</td>")
	}
}

func TestBacktestReportFile(t *testing.T) {
	dir := demoTSDB(t)
	out := filepath.Join(t.TempDir(), "summary.md")
	code, stdout, errOut := runCLI("backtest", "--from", demoFrom, "--to", demoTo, "--tsdb", dir, "--format", "github", "--report", out, "../../rules/pweza-core-alerts.yaml")
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, stdout)
	content, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(content), "### Backtest")
}

func TestBacktestBaselineRev(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := demoTSDB(t)
	repo := t.TempDir()
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
	}
	old, err := os.ReadFile(seedRules)
	require.NoError(t, err)
	cur, err := os.ReadFile("../../rules/pweza-core-alerts.yaml")
	require.NoError(t, err)
	rules := filepath.Join(repo, "alerts.yaml")
	git("init", "-q")
	require.NoError(t, os.WriteFile(rules, old, 0o600))
	git("add", "alerts.yaml")
	git("commit", "-q", "-m", "old")

	// The old rules run alone, at the same path (a group's evaluation
	// times depend on its file's name).
	code, oldOnly, errOut := runCLI("backtest", "--from", demoFrom, "--to", demoTo, "--tsdb", dir, "--format", "json", rules)
	require.Equal(t, exitOK, code, errOut)
	require.NoError(t, os.WriteFile(rules, cur, 0o600))

	code, viaRev, errOut := runCLI("backtest", "--from", demoFrom, "--to", demoTo, "--tsdb", dir, "--format", "json", "--baseline-rev", "HEAD", rules)
	require.Equal(t, exitOK, code, errOut)
	var alone struct {
		Alerts []map[string]any `json:"alerts"`
	}
	var diff struct {
		Baseline struct {
			Name   string                                   `json:"name"`
			Alerts []struct{ Before, After map[string]any } `json:"alerts"`
		} `json:"baseline"`
	}
	require.NoError(t, json.Unmarshal([]byte(oldOnly), &alone))
	require.NoError(t, json.Unmarshal([]byte(viaRev), &diff))
	assert.Equal(t, "git revision HEAD", diff.Baseline.Name)
	before := map[string]any{}
	for _, a := range diff.Baseline.Alerts {
		if a.Before["episodes"].(float64) > 0 {
			before[a.Before["alert"].(string)] = a.Before
		}
	}
	aloneByName := map[string]any{}
	for _, a := range alone.Alerts {
		if a["episodes"].(float64) > 0 {
			aloneByName[a["alert"].(string)] = a
		}
	}
	assert.NotEmpty(t, before)
	assert.Equal(t, aloneByName, before, "the baseline side is the old rules' own run")
	after, err := os.ReadFile(rules)
	require.NoError(t, err)
	assert.Equal(t, cur, after, "the work tree is not touched")

	code, _, errOut = runCLI("backtest", "--from", demoFrom, "--to", demoTo, "--tsdb", dir, "--baseline-rev", "no-such-rev", rules)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "--baseline-rev no-such-rev")
}

func TestBacktestBadInput(t *testing.T) {
	dir := demoTSDB(t)
	rules := "../../rules/pweza-core-alerts.yaml"
	corrupt := filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.CopyFS(corrupt, os.DirFS(dir)))
	indexes, err := filepath.Glob(filepath.Join(corrupt, "*", "index"))
	require.NoError(t, err)
	require.NotEmpty(t, indexes)
	require.NoError(t, os.WriteFile(indexes[0], []byte("not an index"), 0o600))
	badRules := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(badRules, []byte("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(x[5m]\n"), 0o600))
	hugeTemplate := filepath.Join(t.TempDir(), "template.yaml")
	require.NoError(t, os.WriteFile(hugeTemplate, []byte("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: vector(1)\n        annotations:\n          summary: '{{ range 100000000 }}x{{ end }}'\n"), 0o600))

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing tsdb", []string{"--from", demoFrom, "--to", demoTo, "--tsdb", filepath.Join(corrupt, "nope"), rules}, "cannot open the TSDB directory: no such file or directory"},
		{"corrupt tsdb", []string{"--from", demoFrom, "--to", demoTo, "--tsdb", corrupt, rules}, "cannot read the TSDB"},
		{"range without data", []string{"--from", "2020-01-01T00:00:00Z", "--to", "2020-01-02T00:00:00Z", "--tsdb", dir, rules}, "holds no samples between 2020-01-01T00:00:00Z and 2020-01-02T00:00:00Z"},
		{"from after to", []string{"--from", demoTo, "--to", demoFrom, "--tsdb", dir, rules}, "--from 2026-11-03T00:00:00Z is after --to 2026-11-02T00:00:00Z"},
		{"bad time", []string{"--from", "yesterday", "--to", demoTo, "--tsdb", dir, rules}, `--from: "yesterday": expected RFC 3339`},
		{"bad rule file", []string{"--from", demoFrom, "--to", demoTo, "--tsdb", dir, badRules}, badRules + ":5:"},
		{"missing rule file", []string{"--from", demoFrom, "--to", demoTo, "--tsdb", dir, "nope.yaml"}, "nope.yaml: cannot read the rule file"},
		{"no tsdb", []string{"--from", demoFrom, "--to", demoTo, rules}, "give the data with exactly one of --tsdb DIR, --remote-read URL and --query-api URL"},
		{"bad format", []string{"--from", demoFrom, "--to", demoTo, "--tsdb", dir, "--format", "xml", rules}, `--format "xml"`},
		{"too many series", []string{"--from", demoFrom, "--to", demoTo, "--tsdb", dir, "--max-series", "2", rules}, "more than --max-series 2"},
		{"template beyond the budget", []string{"--from", demoFrom, "--to", demoTo, "--tsdb", dir, hugeTemplate}, hugeTemplate + `:4:9: rule "A": the template of annotations.summary expands to more than 16MiB for one evaluation at 2026-11-02T00:`},
		{"zero template budget", []string{"--from", demoFrom, "--to", demoTo, "--tsdb", dir, "--max-template-bytes", "0", rules}, "--max-template-bytes must be positive"},
	}
	for _, format := range []string{"text", "html"} {
		for _, tc := range tests {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				report := filepath.Join(t.TempDir(), "report."+format)
				code, stdout, errOut := runCLI(append([]string{"backtest", "--report", report, "--format", format}, tc.args...)...)
				assert.Equal(t, exitBadInput, code)
				assert.Empty(t, stdout)
				assert.Contains(t, errOut, tc.want)
				assert.NotContains(t, errOut, "panic")
				assert.NoFileExists(t, report, "no partial report")
			})
		}
	}
}

func TestParseTime(t *testing.T) {
	now := mustTime(t, "2026-11-09T12:00:00Z")
	tests := map[string]string{
		"2026-11-02T00:00:00Z":      "2026-11-02T00:00:00Z",
		"2026-11-02T01:00:00+01:00": "2026-11-02T00:00:00Z",
		"1793491200":                "2026-11-01T00:00:00Z",
		"now":                       "2026-11-09T12:00:00Z",
		"-7d":                       "2026-11-02T12:00:00Z",
		"-36h":                      "2026-11-08T00:00:00Z",
	}
	for in, want := range tests {
		got, err := parseTime(in, now)
		require.NoError(t, err, in)
		assert.Equal(t, want, got.Format("2006-01-02T15:04:05Z07:00"), in)
	}
	for _, in := range []string{"", "-7x", "tomorrow", "1e30", "NaN"} {
		_, err := parseTime(in, now)
		assert.Error(t, err, in)
	}
}

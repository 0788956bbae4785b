package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBacktestToFixture: the fixture of a recorded episode passes
// `rulecheck test` as written, and holds the recorded episode.
func TestBacktestToFixture(t *testing.T) {
	out := filepath.Join(t.TempDir(), "agent-down-1.yaml")
	code, stdout, stderr := runCLI("backtest", "--from", demoFrom, "--to", demoTo, "--tsdb", demoTSDB(t),
		"--to-fixture", "AgentDown-1", "--out", out, "../../rules/pweza-core-alerts.yaml")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "AgentDown", "the report is written as usual")
	assert.Contains(t, stderr, "episode AgentDown-1, 1 series; it holds the recorded episode")
	content, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(content), "format: rulecheck/v1")

	code, stdout, stderr = runCLI("test", "--strict", out)
	assert.Equal(t, exitOK, code, "%s\n%s\n%s", stdout, stderr, content)
}

func TestBacktestToFixtureErrors(t *testing.T) {
	rules := "../../rules/pweza-core-alerts.yaml"
	day := []string{"backtest", "--from", demoFrom, "--to", demoTo, "--tsdb", demoTSDB(t)}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no such episode", []string{"--to-fixture", "AgentDown-9"}, "--to-fixture AgentDown-9: the run has no such episode (episodes: "},
		{"no --out", []string{"--to-fixture", "AgentDown-1", "--no-out"}, "--to-fixture ID and --out FILE go together"},
		{"out is an input", []string{"--to-fixture", "AgentDown-1", "--out", rules}, "is also an input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "fixture.yaml")
			args := append(append([]string{}, day...), tc.args...)
			if tc.args[len(tc.args)-1] == "--no-out" {
				args = args[:len(args)-1]
			} else if len(tc.args) == 2 {
				args = append(args, "--out", out)
			}
			code, stdout, stderr := runCLI(append(args, rules)...)
			assert.Equal(t, exitBadInput, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.want)
			assert.NoFileExists(t, out, "no partial fixture")
		})
	}
}

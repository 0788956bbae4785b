package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The routes of CodeValdCortex's alerts, and the finding an inhibit rule
// on agent_id gives (AgentDown never carries it): golden files, rewritten
// with -update.
func TestRoutesGolden(t *testing.T) {
	am, err := os.ReadFile("../../deploy/alertmanager.yaml")
	require.NoError(t, err)
	broken := filepath.Join(t.TempDir(), "alertmanager.yaml")
	require.NoError(t, os.WriteFile(broken, []byte(strings.Replace(string(am), "equal: [namespace, instance]", "equal: [agent_id]", 1)), 0o644))
	for _, tc := range []struct {
		golden, am string
		code       int
	}{
		{"deploy.txt", "../../deploy/alertmanager.yaml", exitOK},
		{"equal-agent-id.txt", broken, exitFailed},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			code, stdout, stderr := runArgs("routes", "--config", "../../.rulecheck.yaml", "--alertmanager", tc.am, "../../rules/pweza-core-alerts.yaml")
			assert.Equal(t, tc.code, code, stderr)
			stdout = strings.ReplaceAll(stdout, broken, "ALERTMANAGER")
			path := filepath.Join("testdata", "routes", tc.golden)
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(stdout), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(want), stdout)
		})
	}
}

func TestRoutesBadInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no alertmanager", []string{"../../rules/"}, "give --alertmanager FILE"},
		{"no rule files", []string{"--alertmanager", "../../deploy/alertmanager.yaml"}, "give --alertmanager FILE"},
		{"a configuration Alertmanager rejects", []string{"--alertmanager", "../../deploy/prometheus.yaml", "../../rules/"}, "no Secret with an alertmanager.yaml key"},
		{"no alerting rules", []string{"--alertmanager", "../../deploy/alertmanager.yaml", "../../dashboards/"}, "no alerting rules"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runArgs(append([]string{"routes"}, tc.args...)...)
			assert.Equal(t, exitBadInput, code)
			assert.Contains(t, stderr, tc.stderr)
		})
	}
}

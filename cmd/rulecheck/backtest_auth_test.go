package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/codevaldcortex/rulecheck/internal/promserver"
)

// TestBacktestHTTPConfig: a server behind basic auth (the exporter
// toolkit's web configuration, as Prometheus's --web.config.file) is read
// with --http-config in Prometheus's http_config format, the password
// taken from a file named relative to the configuration; without it, or
// with a wrong password, the run stops with the server's 401, exit 2, no
// report.
func TestBacktestHTTPConfig(t *testing.T) {
	dir := t.TempDir()
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	require.NoError(t, err)
	webConfig := filepath.Join(dir, "web.yaml")
	require.NoError(t, os.WriteFile(webConfig, []byte("basic_auth_users:\n  rulecheck: "+string(hash)+"\n"), 0o600))
	s := serveDemo(t, promserver.Options{WebConfigFile: webConfig})

	require.NoError(t, os.Mkdir(filepath.Join(dir, "client"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "client", "password"), []byte("s3cret"), 0o600))
	good := filepath.Join(dir, "client", "http.yaml")
	require.NoError(t, os.WriteFile(good, []byte("basic_auth:\n  username: rulecheck\n  password_file: password\n"), 0o600))
	wrong := filepath.Join(dir, "wrong.yaml")
	require.NoError(t, os.WriteFile(wrong, []byte("basic_auth:\n  username: rulecheck\n  password: guess\n"), 0o600))
	unknown := filepath.Join(dir, "unknown.yaml")
	require.NoError(t, os.WriteFile(unknown, []byte("basic_auth:\n  username: rulecheck\nbearer: x\n"), 0o600))

	rules := "../../rules/pweza-core-alerts.yaml"
	run := func(args ...string) (int, string, string) {
		return runCLI(append(append([]string{"backtest", "--from", demoFrom, "--to", demoTo, "--format", "json"}, args...), rules)...)
	}
	reportOf := func(stdout string) map[string]any {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(stdout), &m))
		delete(m, "source")
		return m
	}
	code, stdout, stderr := run("--tsdb", demoTSDB(t))
	require.Equal(t, exitOK, code, stderr)
	want := reportOf(stdout)
	for _, source := range [][]string{{"--remote-read", s.ReadURL}, {"--query-api", s.URL}} {
		t.Run(source[0], func(t *testing.T) {
			code, stdout, stderr := run(append(source, "--http-config", good)...)
			require.Equal(t, exitOK, code, stderr)
			assert.Equal(t, want, reportOf(stdout))
			for name, args := range map[string][]string{
				"no configuration": source,
				"wrong password":   append(source, "--http-config", wrong),
			} {
				report := filepath.Join(t.TempDir(), "report.json")
				code, stdout, stderr := run(append(args, "--report", report)...)
				assert.Equal(t, exitBadInput, code, name)
				assert.Empty(t, stdout, name)
				assert.Contains(t, stderr, "401", name)
				assert.NoFileExists(t, report, name)
			}
			code, _, stderr = run(append(source, "--http-config", unknown)...)
			assert.Equal(t, exitBadInput, code)
			assert.Contains(t, stderr, "--http-config "+unknown+":3: field bearer not found")
		})
	}
	code, _, stderr = run("--tsdb", demoTSDB(t), "--http-config", good)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, stderr, "--http-config is for --remote-read and --query-api, not --tsdb")
	code, _, stderr = run("--query-api", s.URL, "--http-config", good, "--report", good)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, stderr, "--report")
	b, err := os.ReadFile(good)
	require.NoError(t, err)
	assert.Contains(t, string(b), "password_file", "the configuration is left as it was")
}

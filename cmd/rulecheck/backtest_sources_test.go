package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/promserver"
)

// serveDemo serves a copy of the demo data with Prometheus's own query API
// and remote-read handlers on loopback.
func serveDemo(t *testing.T, opts promserver.Options) *promserver.Server {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.CopyFS(dir, os.DirFS(demoTSDB(t))))
	s, err := promserver.Start(dir, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestBacktestSourcesAgree: the command gives the same JSON report (the
// source's name aside) from --tsdb, --remote-read and --query-api, with a
// baseline too.
func TestBacktestSourcesAgree(t *testing.T) {
	s := serveDemo(t, promserver.Options{})
	rules := "../../rules/pweza-core-alerts.yaml"
	report := func(source ...string) map[string]any {
		args := append([]string{"backtest", "--from", demoFrom, "--to", demoTo, "--format", "json", "--baseline", seedRules}, source...)
		code, stdout, stderr := runCLI(append(args, rules)...)
		require.Equal(t, exitOK, code, stderr)
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(stdout), &m))
		delete(m, "source")
		return m
	}
	want := report("--tsdb", demoTSDB(t))
	assert.Equal(t, want, report("--remote-read", s.ReadURL), "remote read")
	assert.Equal(t, want, report("--query-api", s.URL), "query API")
}

// TestBacktestHTMLSourcesAgree: the HTML report draws the same page (the
// source's name aside) from --tsdb, --remote-read and --query-api: its
// drawing queries go through the source as the run's do.
func TestBacktestHTMLSourcesAgree(t *testing.T) {
	s := serveDemo(t, promserver.Options{})
	page := func(sourceFlag, source string) string {
		code, stdout, stderr := runCLI(htmlArgs("html", sourceFlag, source)...)
		require.Equal(t, exitOK, code, stderr)
		return strings.ReplaceAll(stdout, source, "SOURCE")
	}
	want := page("--tsdb", demoTSDB(t))
	assert.Equal(t, want, page("--remote-read", s.ReadURL), "remote read")
	assert.Equal(t, want, page("--query-api", s.URL), "query API")
}

// TestBacktestHTMLDrawingFails: a server that answers every query of the
// run and fails from the first drawing query on: exit 2, no report.
func TestBacktestHTMLDrawingFails(t *testing.T) {
	counting := serveDemo(t, promserver.Options{})
	code, _, stderr := runCLI(htmlArgs("json", "--query-api", counting.URL)...)
	require.Equal(t, exitOK, code, stderr)
	runRequests := int(counting.Requests())
	failing := serveDemo(t, promserver.Options{FailAfter: runRequests, Failure: promserver.Status})
	report := filepath.Join(t.TempDir(), "report.html")
	code, stdout, stderr := runCLI(append(htmlArgs("html", "--query-api", failing.URL), "--report", report)...)
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "drawing AgentDown for the HTML report: ")
	assert.Contains(t, stderr, "server error: 503")
	assert.NoFileExists(t, report, "no partial report")
	assert.Greater(t, failing.Requests(), int64(runRequests))
}

func TestBacktestSourceErrors(t *testing.T) {
	s := serveDemo(t, promserver.Options{})
	// Each failing server serves 10 requests (the data check and the first
	// queries), then fails: one server per test, since they count.
	failing := func(f promserver.Failure) *promserver.Server {
		return serveDemo(t, promserver.Options{FailAfter: 10, Failure: f})
	}
	statusRead, statusAPI, cutRead, cutAPI := failing(promserver.Status), failing(promserver.Status), failing(promserver.Cut), failing(promserver.Cut)
	// A port nobody listens on: taken from a closed listener once every
	// server of the test is up, so that none of them is given it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	down := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	rules := "../../rules/pweza-core-alerts.yaml"
	day := []string{"--from", demoFrom, "--to", demoTo}
	noData := []string{"--from", "2020-01-01T00:00:00Z", "--to", "2020-01-02T00:00:00Z"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"two sources", append(day, "--tsdb", demoTSDB(t), "--query-api", s.URL), "exactly one of --tsdb DIR, --remote-read URL and --query-api URL"},
		{"remote read: not a URL", append(day, "--remote-read", "localhost:9090"), `--remote-read "localhost:9090": want an absolute http or https URL`},
		{"remote read: server down", append(day, "--remote-read", down+"/api/v1/read"), "connection refused"},
		{"query API: server down", append(day, "--query-api", down), "connection refused"},
		{"remote read: no data", append(noData, "--remote-read", s.ReadURL), "holds no samples between 2020-01-01T00:00:00Z and 2020-01-02T00:00:00Z"},
		{"query API: no data", append(noData, "--query-api", s.URL), "holds no samples between 2020-01-01T00:00:00Z and 2020-01-02T00:00:00Z"},
		{"remote read: 503 mid-run", append(day, "--remote-read", statusRead.ReadURL), "503 Service Unavailable"},
		{"query API: 503 mid-run", append(day, "--query-api", statusAPI.URL), "server error: 503"},
		{"remote read: cut mid-run", append(day, "--remote-read", cutRead.ReadURL), "unexpected EOF"},
		{"query API: cut mid-run", append(day, "--query-api", cutAPI.URL), "unexpected EOF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "report.txt")
			code, stdout, errOut := runCLI(append(append([]string{"backtest", "--report", report}, tc.args...), rules)...)
			assert.Equal(t, exitBadInput, code)
			assert.Empty(t, stdout)
			assert.Contains(t, errOut, tc.want)
			assert.NotContains(t, errOut, "panic")
			assert.NoFileExists(t, report, "no partial report")
		})
	}
}

// TestBacktestToFixtureFromServers: --to-fixture reads the episode's series
// from a remote source as well, and gives the fixture --tsdb gives.
func TestBacktestToFixtureFromServers(t *testing.T) {
	s := serveDemo(t, promserver.Options{})
	rules := "../../rules/pweza-core-alerts.yaml"
	fixture := func(source ...string) string {
		out := filepath.Join(t.TempDir(), "agent-down-1.yaml")
		args := append([]string{"backtest", "--from", demoFrom, "--to", demoTo, "--to-fixture", "AgentDown-1", "--out", out}, source...)
		code, _, stderr := runCLI(append(args, rules)...)
		require.Equal(t, exitOK, code, stderr)
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		// The first line names the source.
		_, rest, _ := strings.Cut(string(b), "\n")
		return rest
	}
	want := fixture("--tsdb", demoTSDB(t))
	assert.Equal(t, want, fixture("--remote-read", s.ReadURL), "remote read")
	assert.Equal(t, want, fixture("--query-api", s.URL), "query API")
}

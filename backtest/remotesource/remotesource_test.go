package remotesource_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/backtest/remotesource"
	"github.com/codevaldcortex/rulecheck/internal/demodata"
	"github.com/codevaldcortex/rulecheck/internal/promserver"
)

// demo is a day of demo data at the platform's scrape intervals.
var demo = demodata.Options{Days: 1, Series: demodata.MinSeries}

var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

// demoData writes the demo data once per test binary and returns a fresh
// copy of it for the caller (a server opens its directory read-write).
func demoData(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "remotesource-demo")
		if demoErr == nil {
			_, demoErr = demodata.Write(context.Background(), filepath.Join(demoDir, "data"), demo)
		}
	})
	require.NoError(t, demoErr)
	dst := filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.CopyFS(dst, os.DirFS(filepath.Join(demoDir, "data"))))
	return dst
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" {
		_ = os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

func serve(t *testing.T, opts promserver.Options) *promserver.Server {
	t.Helper()
	s, err := promserver.Start(demoData(t), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// localTSDB opens a copy of the demo data as --tsdb does.
func localTSDB(t *testing.T) backtest.Source {
	t.Helper()
	db, err := backtest.OpenTSDB(demoData(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return backtest.NewLocal(db, backtest.LocalOptions{})
}

func rules(t *testing.T) *backtest.RuleSet {
	t.Helper()
	rs, err := backtest.LoadRules([]backtest.RuleFile{{Path: "../../rules/pweza-core-alerts.yaml"}}, backtest.LoadOptions{})
	require.NoError(t, err)
	return rs
}

func run(t *testing.T, src backtest.Source, from, to time.Time) (*backtest.Report, error) {
	t.Helper()
	return backtest.Run(context.Background(), src, rules(t), backtest.Options{From: from, To: to})
}

// TestSourcesAgree: the same rules over the same data give the same
// episodes from the TSDB, from remote read and from the query API, both
// served by Prometheus's own handlers.
func TestSourcesAgree(t *testing.T) {
	from, to := demodata.DefaultStart, demodata.DefaultStart.Add(24*time.Hour-time.Second)
	s := serve(t, promserver.Options{})
	rr, err := remotesource.RemoteRead(s.ReadURL, remotesource.Options{})
	require.NoError(t, err)
	qa, err := remotesource.QueryAPI(s.URL, remotesource.Options{})
	require.NoError(t, err)

	want, err := run(t, localTSDB(t), from, to)
	require.NoError(t, err)
	// The day's incidents are all there (the seed's rules are not run here).
	fired := map[string]int{}
	for _, e := range want.Episodes {
		if !e.Firing.IsZero() {
			fired[e.Alert]++
		}
	}
	for _, in := range demodata.Incidents(demo) {
		assert.NotZero(t, fired[in.Alert], "incident %s fired no %s", in.Name, in.Alert)
	}
	assert.Equal(t, 2, fired["AgentDown"], "the agent is down twice")
	assert.Greater(t, fired["AgentMessageQueueFull"], 5, "the queue flaps")

	for name, src := range map[string]backtest.Source{"remote-read": rr, "query-api": qa} {
		t.Run(name, func(t *testing.T) {
			got, err := run(t, src, from, to)
			require.NoError(t, err)
			assert.Equal(t, want.Episodes, got.Episodes)
			assert.Equal(t, want.Alerts, got.Alerts)
		})
	}
}

// closedURL is the address of a port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

func TestBadSources(t *testing.T) {
	from, to := demodata.DefaultStart, demodata.DefaultStart.Add(12*time.Hour)
	down := closedURL(t)
	type maker func(t *testing.T) (backtest.Source, error)
	remoteRead := func(url func(t *testing.T) string) maker {
		return func(t *testing.T) (backtest.Source, error) {
			return remotesource.RemoteRead(url(t), remotesource.Options{Timeout: 10 * time.Second})
		}
	}
	queryAPI := func(url func(t *testing.T) string) maker {
		return func(t *testing.T) (backtest.Source, error) {
			return remotesource.QueryAPI(url(t), remotesource.Options{Timeout: 10 * time.Second})
		}
	}
	failing := func(f promserver.Failure, read bool) func(t *testing.T) string {
		return func(t *testing.T) string {
			s := serve(t, promserver.Options{FailAfter: 5, Failure: f})
			if read {
				return s.ReadURL
			}
			return s.URL
		}
	}
	fixed := func(u string) func(*testing.T) string { return func(*testing.T) string { return u } }
	for _, tc := range []struct {
		name    string
		src     maker
		openErr bool
		kind    backtest.ErrorKind
	}{
		{"remote read: not a URL", remoteRead(fixed("prometheus:9090")), true, backtest.ErrUsage},
		{"query API: not a URL", queryAPI(fixed("ftp://prometheus")), true, backtest.ErrUsage},
		{"remote read: server down", remoteRead(fixed(down + "/api/v1/read")), false, backtest.ErrSource},
		{"query API: server down", queryAPI(fixed(down)), false, backtest.ErrSource},
		{"remote read: 503 mid-run", remoteRead(failing(promserver.Status, true)), false, backtest.ErrSource},
		{"query API: 503 mid-run", queryAPI(failing(promserver.Status, false)), false, backtest.ErrSource},
		{"remote read: stream cut mid-run", remoteRead(failing(promserver.Cut, true)), false, backtest.ErrSource},
		{"query API: answer cut mid-run", queryAPI(failing(promserver.Cut, false)), false, backtest.ErrSource},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := tc.src(t)
			if !tc.openErr {
				require.NoError(t, err)
				var rep *backtest.Report
				rep, err = run(t, src, from, to)
				assert.Nil(t, rep, "no partial report")
			}
			var be *backtest.Error
			require.True(t, errors.As(err, &be), "%v", err)
			assert.Equal(t, tc.kind, be.Kind, "%v", err)
			t.Log(err)
		})
	}
}

// TestQueryAPICannotRecord: a recording rule read by a later rule stops
// the run with ErrCannotRecord; remote read evaluates it locally.
func TestQueryAPICannotRecord(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "rec.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`groups:
- name: rec
  rules:
  - record: job:up:min
    expr: min by (job) (up)
  - alert: JobDown
    expr: job:up:min == 0
`), 0o644))
	load := func() *backtest.RuleSet {
		rs, err := backtest.LoadRules([]backtest.RuleFile{{Path: file}}, backtest.LoadOptions{})
		require.NoError(t, err)
		return rs
	}
	s := serve(t, promserver.Options{})
	from, to := demodata.DefaultStart, demodata.DefaultStart.Add(6*time.Hour)

	qa, err := remotesource.QueryAPI(s.URL, remotesource.Options{})
	require.NoError(t, err)
	rep, err := backtest.Run(context.Background(), qa, load(), backtest.Options{From: from, To: to})
	assert.Nil(t, rep)
	var be *backtest.Error
	require.True(t, errors.As(err, &be), "%v", err)
	assert.Equal(t, backtest.ErrCannotRecord, be.Kind)
	assert.Equal(t, "JobDown", be.Rule)

	rr, err := remotesource.RemoteRead(s.ReadURL, remotesource.Options{})
	require.NoError(t, err)
	rep, err = backtest.Run(context.Background(), rr, load(), backtest.Options{From: from, To: to})
	require.NoError(t, err)
	assert.NotEmpty(t, rep.Episodes, "agent-down-1 is in the first 6 hours of the day")
}

func TestHasData(t *testing.T) {
	s := serve(t, promserver.Options{})
	rr, err := remotesource.OpenRemoteRead(s.ReadURL, remotesource.Options{})
	require.NoError(t, err)
	qa, err := remotesource.OpenQueryAPI(s.URL, remotesource.Options{})
	require.NoError(t, err)
	day := demodata.DefaultStart
	for _, r := range []*remotesource.Remote{rr, qa} {
		t.Run(r.Name, func(t *testing.T) {
			has, err := r.HasData(context.Background(), day.Add(time.Hour), day.Add(2*time.Hour))
			require.NoError(t, err)
			assert.True(t, has)
			has, err = r.HasData(context.Background(), day.Add(-30*24*time.Hour), day.Add(-29*24*time.Hour))
			require.NoError(t, err)
			assert.False(t, has, "a month before the data")
		})
	}
}

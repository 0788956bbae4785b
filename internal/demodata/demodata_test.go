package demodata_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/demodata"
)

// oneDay is small and quick: a day of the smallest set at the platform's
// own scrape intervals.
var oneDay = demodata.Options{Days: 1, Series: demodata.MinSeries}

func write(t *testing.T, o demodata.Options) (string, demodata.Summary) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	sum, err := demodata.Write(context.Background(), dir, o)
	require.NoError(t, err)
	return dir, sum
}

func open(t *testing.T, dir string) *tsdb.DBReadOnly {
	t.Helper()
	db, err := tsdb.OpenDBReadOnly(dir, t.TempDir(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// dump reads every series back: the number of series and samples, and a
// digest of labels, timestamps and values.
func dump(t *testing.T, dir string) (series int, samples int64, digest string) {
	t.Helper()
	q, err := open(t, dir).Querier(math.MinInt64, math.MaxInt64)
	require.NoError(t, err)
	defer q.Close()
	h := sha256.New()
	set := q.Select(context.Background(), true, nil, labels.MustNewMatcher(labels.MatchRegexp, "__name__", ".+"))
	var it chunkenc.Iterator
	for set.Next() {
		s := set.At()
		series++
		fmt.Fprintln(h, s.Labels())
		it = s.Iterator(it)
		for it.Next() == chunkenc.ValFloat {
			ts, v := it.At()
			samples++
			fmt.Fprintln(h, ts, math.Float64bits(v))
		}
		require.NoError(t, it.Err())
	}
	require.NoError(t, set.Err())
	return series, samples, fmt.Sprintf("%x", h.Sum(nil))
}

func TestWriteReadsBackWhatItSays(t *testing.T) {
	for _, o := range []demodata.Options{
		oneDay,
		{Days: 2, Series: 1000, Interval: 5 * time.Minute},
		{Days: 1, Series: demodata.MinSeries + 3, Interval: time.Minute}, // a partial agent
	} {
		t.Run(fmt.Sprintf("%dd-%d-%s", o.Days, o.Series, o.Interval), func(t *testing.T) {
			dir, sum := write(t, o)
			assert.Equal(t, o.Series, sum.Series)
			assert.Equal(t, o.Days, sum.Blocks)
			series, samples, _ := dump(t, dir)
			assert.Equal(t, o.Series, series)
			assert.Equal(t, sum.Samples, samples)
			blocks, err := open(t, dir).Blocks()
			require.NoError(t, err)
			require.Len(t, blocks, o.Days)
			assert.Equal(t, sum.Start.UnixMilli(), blocks[0].Meta().MinTime)
		})
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	o := oneDay
	o.Interval = time.Minute
	a, _ := write(t, o)
	b, _ := write(t, o)
	o.Seed = 2
	c, _ := write(t, o)
	_, _, da := dump(t, a)
	_, _, db := dump(t, b)
	_, _, dc := dump(t, c)
	assert.Equal(t, da, db, "same options, same samples")
	assert.NotEqual(t, da, dc, "another seed, other noise")
}

func TestWriteRefuses(t *testing.T) {
	full := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(full, "x"), nil, 0o644))
	for _, tc := range []struct {
		name string
		dir  string
		o    demodata.Options
		kind demodata.Kind
	}{
		{"negative days", "", demodata.Options{Days: -1}, demodata.ErrOptions},
		{"too few series", "", demodata.Options{Series: demodata.MinSeries - 1}, demodata.ErrOptions},
		{"fractional interval", "", demodata.Options{Interval: 1500 * time.Millisecond}, demodata.ErrOptions},
		{"directory not empty", full, oneDay, demodata.ErrDir},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir
			if dir == "" {
				dir = filepath.Join(t.TempDir(), "data")
			}
			_, err := demodata.Write(context.Background(), dir, tc.o)
			var de *demodata.Error
			require.True(t, errors.As(err, &de), "%v", err)
			assert.Equal(t, tc.kind, de.Kind)
		})
	}
}

// TestIncidentsShowInTheData evaluates the conditions of the rules in
// rules/ with Prometheus's engine at each incident and at a quiet time.
func TestIncidentsShowInTheData(t *testing.T) {
	dir, _ := write(t, oneDay)
	db := open(t, dir)
	engine := promql.NewEngine(promql.EngineOpts{MaxSamples: 10_000_000, Timeout: time.Minute})
	in := map[string]demodata.Incident{}
	for _, i := range demodata.Incidents(oneDay) {
		in[i.Name] = i
	}
	require.Len(t, in, 11)
	quiet := demodata.DefaultStart.Add(30 * time.Minute)
	const (
		down     = `up{job="pweza-core-agents"} == 0`
		cpu      = `rate(pweza_agent_cpu_usage_seconds_total[5m]) > 0.9`
		memory   = `pweza_agent_memory_usage_bytes / (pweza_agent_memory_limit_bytes > 0) > 0.9`
		queue    = `pweza_agent_message_queue_size > 1000`
		failed   = `sum by (workflow_id) (increase(pweza_workflow_executions_total{status="failed"}[5m])) > 0`
		long     = `time() - pweza_workflow_start_time_seconds > 3600`
		database = `increase(pweza_database_connection_errors_total[5m]) > 0`
		latency  = `histogram_quantile(0.95, sum by (le, method, endpoint) (rate(pweza_api_request_duration_seconds_bucket[5m]))) > 1`
		seedDB   = `pweza_database_connection_errors_total > 0`
		seedLong = `pweza_workflow_execution_duration_seconds > 3600`
	)
	for _, tc := range []struct {
		name string
		expr string
		at   time.Time
		want int
	}{
		{"agent down", down, in["agent-down-1"].From.Add(time.Minute), 1},
		{"agent down again", down, in["agent-down-2"].From.Add(time.Minute), 1},
		{"agent back", down, in["agent-down-1"].To.Add(time.Minute), 0},
		{"agent down: its series are stale", `pweza_agent_memory_usage_bytes{agent_id="agent-000"}`, in["agent-down-1"].From.Add(time.Minute), 0},
		{"high cpu", cpu, in["high-cpu"].From.Add(10 * time.Minute), 1},
		{"high memory", memory, in["high-memory"].From.Add(5 * time.Minute), 1},
		{"queue high", queue, in["flapping-queue"].From.Add(time.Minute), 1},
		{"queue low within the flapping", queue, in["flapping-queue"].From.Add(3*time.Minute + 30*time.Second), 0},
		{"workflow failed", failed, in["workflow-failed-1"].To.Add(time.Minute), 1},
		{"long-running workflow", long, in["long-running-workflow"].From.Add(70 * time.Minute), 1},
		{"long-running workflow ended", long, in["long-running-workflow"].To.Add(time.Minute), 0},
		{"database errors", database, in["database-errors-1"].From.Add(2 * time.Minute), 1},
		{"database errors over", database, in["database-errors-2"].From.Add(10 * time.Minute), 0},
		{"seed's database rule still true", seedDB, in["database-errors-2"].From.Add(10 * time.Minute), 1},
		{"seed's long-running rule reads nothing", seedLong, in["long-running-workflow"].From.Add(70 * time.Minute), 0},
		{"latency spike", latency, in["latency-spike"].From.Add(10 * time.Minute), 1},
		{"quiet: down", down, quiet, 0},
		{"quiet: cpu", cpu, quiet, 0},
		{"quiet: memory", memory, quiet, 0},
		{"quiet: queue", queue, quiet, 0},
		{"quiet: failed", failed, quiet, 0},
		{"quiet: long", long, quiet, 0},
		{"quiet: database", database, quiet, 0},
		{"quiet: latency", latency, quiet, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := engine.NewInstantQuery(context.Background(), db, nil, tc.expr, tc.at)
			require.NoError(t, err)
			res := q.Exec(context.Background())
			require.NoError(t, res.Err)
			vec, err := res.Vector()
			require.NoError(t, err)
			assert.Len(t, vec, tc.want, "%s at %s: %v", tc.expr, tc.at, vec)
		})
	}
}

// TestStaleMarkers: a series that stops is ended with Prometheus's
// staleness marker, as a failed scrape ends it.
func TestStaleMarkers(t *testing.T) {
	dir, _ := write(t, oneDay)
	q, err := open(t, dir).Querier(math.MinInt64, math.MaxInt64)
	require.NoError(t, err)
	defer q.Close()
	set := q.Select(context.Background(), false, nil,
		labels.MustNewMatcher(labels.MatchEqual, "__name__", "pweza_agent_memory_usage_bytes"),
		labels.MustNewMatcher(labels.MatchEqual, "agent_id", "agent-000"))
	require.True(t, set.Next())
	var stale int
	it := set.At().Iterator(nil)
	for it.Next() == chunkenc.ValFloat {
		if _, v := it.At(); value.IsStaleNaN(v) {
			stale++
		}
	}
	assert.Equal(t, 2, stale, "one marker per outage")
}

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

// BenchmarkWrite writes a day of 1,000 series scraped every 15s (the
// backtest benchmark's data is seven of these days).
func BenchmarkWrite(b *testing.B) {
	o := demodata.Options{Days: 1, Series: 1000, Interval: 15 * time.Second}
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "data")
		sum, err := demodata.Write(context.Background(), dir, o)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Samples), "samples/op")
	}
}

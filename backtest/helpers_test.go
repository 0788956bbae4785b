package backtest

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/stretchr/testify/require"
)

// genSeries is a generated series: its labels and its value at each time
// since the start of the data (NaN: no sample).
type genSeries struct {
	labels labels.Labels
	value  func(since time.Duration) float64
}

// square is 1 for on, then 0 for off, repeating, shifted by phase.
func square(on, off, phase time.Duration) func(time.Duration) float64 {
	return func(d time.Duration) float64 {
		if (d+phase)%(on+off) < on {
			return 1
		}
		return 0
	}
}

// testSeries is the data most tests read: load with slow and fast square
// waves (so HighLoad fires, resolves and flaps), a spike now and then, and
// three targets of which two go down at times.
func testSeries() []genSeries {
	return []genSeries{
		{labels.FromStrings("__name__", "load", "instance", "a"), square(40*time.Minute, 50*time.Minute, 0)},
		{labels.FromStrings("__name__", "load", "instance", "b"), square(7*time.Minute, 4*time.Minute, 3*time.Minute)},
		{labels.FromStrings("__name__", "load", "instance", "c"), func(time.Duration) float64 { return 0.1 }},
		{labels.FromStrings("__name__", "spike"), square(45*time.Second, 37*time.Minute, 0)},
		{labels.FromStrings("__name__", "up", "instance", "1"), func(d time.Duration) float64 { return 1 - square(5*time.Minute, 55*time.Minute, 10*time.Minute)(d) }},
		{labels.FromStrings("__name__", "up", "instance", "2"), func(d time.Duration) float64 { return 1 - square(90*time.Second, 20*time.Minute, 0)(d) }},
		{labels.FromStrings("__name__", "up", "instance", "3"), func(d time.Duration) float64 { return 1 - square(9*time.Minute, 60*time.Minute, 30*time.Minute)(d) }},
		{labels.FromStrings("__name__", "up", "instance", "4"), func(d time.Duration) float64 { return 1 - square(6*time.Minute, 114*time.Minute, 10*time.Minute)(d) }},
	}
}

// appendSeries writes the series every step over [start, start+length).
func appendGen(t testing.TB, app storage.AppenderV2, start time.Time, from, to, step time.Duration, series []genSeries) {
	t.Helper()
	for d := from; d < to; d += step {
		ts := start.Add(d).UnixMilli()
		for _, s := range series {
			v := s.value(d)
			if math.IsNaN(v) {
				continue
			}
			_, err := app.Append(0, s.labels, 0, ts, v, nil, nil, storage.AOptions{})
			require.NoError(t, err)
		}
	}
	require.NoError(t, app.Commit())
}

// writeTSDB writes the series into dir as TSDB blocks, one per blockLen,
// with Prometheus's block writer.
func writeTSDB(t testing.TB, dir string, start time.Time, length, step, blockLen time.Duration, series []genSeries) {
	t.Helper()
	for from := time.Duration(0); from < length; from += blockLen {
		to := min(from+blockLen, length)
		w, err := tsdb.NewBlockWriter(nopLogger, dir, blockLen.Milliseconds())
		require.NoError(t, err)
		appendGen(t, w.AppenderV2(context.Background()), start, from, to, step, series)
		_, err = w.Flush(context.Background())
		require.NoError(t, err)
		require.NoError(t, w.Close())
	}
}

package backtesthtml

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/internal/chart"
)

var t0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

var errDown = &backtest.Error{Kind: backtest.ErrSource, Msg: "the source is down"}

func build(t *testing.T, src backtest.Source, out *backtest.Output, rules []backtest.AlertRule, opts Options) *Page {
	t.Helper()
	p, err := Build(context.Background(), src, out, rules, opts)
	require.NoError(t, err)
	return p
}

// fakeSource answers each expression with fixed series (one value a
// minute, from a function of the minute), and records the queries.
type fakeSource struct {
	series  map[string][]fakeSeries
	fail    map[string]bool
	queries []query
}

type fakeSeries struct {
	ls labels.Labels
	at func(minute int) float64
}

type query struct {
	expr       string
	start, end time.Time
	step       time.Duration
}

func (f *fakeSource) QueryRange(_ context.Context, expr string, start, end time.Time, step time.Duration) (promql.Matrix, error) {
	f.queries = append(f.queries, query{expr, start, end, step})
	if f.fail[expr] {
		return nil, errDown
	}
	var m promql.Matrix
	for _, s := range f.series[expr] {
		ps := promql.Series{Metric: s.ls}
		for t := start; !t.After(end); t = t.Add(step) {
			ps.Floats = append(ps.Floats, promql.FPoint{T: t.UnixMilli(), F: s.at(int(t.Sub(t0) / time.Minute))})
		}
		m = append(m, ps)
	}
	return m, nil
}

func (f *fakeSource) Record(promql.Matrix) error { return nil }
func (f *fakeSource) Close() error               { return nil }

// instances are n series of x, the one of instance "i<dip>" 0 in minutes
// [30, 40), the others 1.
func instances(n, dip int) []fakeSeries {
	var out []fakeSeries
	for i := range n {
		ls := labels.FromStrings("__name__", "x", "instance", fmt.Sprintf("i%02d", i))
		if i == dip {
			out = append(out, fakeSeries{ls, func(m int) float64 { return float64(boolInt(m < 30 || m >= 40)) }})
		} else {
			out = append(out, fakeSeries{ls, func(int) float64 { return 1 }})
		}
	}
	return out
}

func episode(id, instance string, pending, firing, resolved time.Duration) backtest.Episode {
	at := func(d time.Duration) time.Time {
		if d < 0 {
			return time.Time{}
		}
		return t0.Add(d)
	}
	return backtest.Episode{ID: id, Alert: "XDown", Labels: labels.FromStrings("alertname", "XDown", "instance", instance),
		Pending: at(pending), Firing: at(firing), Resolved: at(resolved)}
}

func output(eps []backtest.Episode, baseline []backtest.Episode) *backtest.Output {
	r := &backtest.Report{From: t0, To: t0.Add(2 * time.Hour), Episodes: eps, Alerts: []backtest.AlertStats{{Alert: "XDown", Episodes: len(eps)}}}
	out := &backtest.Output{Source: "data <dir>", Report: r}
	if baseline != nil {
		out.Baseline = &backtest.Report{From: r.From, To: r.To, Episodes: baseline, Alerts: []backtest.AlertStats{{Alert: "XDown", Episodes: len(baseline)}}}
		d := backtest.Compare(out.Baseline, r)
		out.Diff, out.BaselineName = &d, "old rules"
	}
	return out
}

var xDown = []backtest.AlertRule{{Name: "XDown", Expr: "x < 1", Interval: time.Minute}}

// The chart of an alert on "x < 1": x's series, the dipping one first,
// drawn by their smallest values; the threshold; the band of the
// episode's label set, pending then firing then inactive.
func TestBuildDrawsWhatTheAlertReads(t *testing.T) {
	src := &fakeSource{series: map[string][]fakeSeries{"x": instances(3, 2)}}
	out := output([]backtest.Episode{episode("XDown-1", "i02", 30*time.Minute, 32*time.Minute, 40*time.Minute)}, nil)
	p := build(t, src, out, xDown, Options{})
	require.Len(t, p.Alerts, 1)
	a := p.Alerts[0]
	assert.Empty(t, a.Notes)
	c := a.Chart
	assert.Equal(t, t0, c.Start)
	assert.Equal(t, 2*time.Hour, c.End)
	require.Len(t, c.Inputs, 3)
	assert.Equal(t, `x{instance="i02"}`, c.Inputs[0].Name, "the series of the episode first")
	assert.True(t, c.Inputs[0].Low)
	assert.Contains(t, c.Inputs[0].Values, 0.0, "the dip is kept")
	al := c.Alerts[0]
	assert.Equal(t, &chart.Threshold{Op: "<", Value: 1}, al.Threshold)
	require.Len(t, al.Values, 3)
	require.Len(t, al.Bands, 1)
	b := al.Bands[0]
	assert.Equal(t, `{instance="i02"}`, b.Labels)
	assert.Equal(t, []time.Duration{0, 30 * time.Minute, 32 * time.Minute, 40 * time.Minute}, b.At)
	assert.Equal(t, []chart.State{chart.Inactive, chart.Pending, chart.Firing, chart.Inactive}, b.Actual)
	assert.Nil(t, b.Expected)
	for _, q := range src.queries {
		assert.Equal(t, time.Minute, q.step, "evaluated at the group's interval")
		assert.LessOrEqual(t, q.end.Sub(q.start), queryWindow*time.Minute, "a window at a time")
	}
}

// Drawing reads the output and never changes it.
func TestBuildLeavesTheReportAlone(t *testing.T) {
	src := &fakeSource{series: map[string][]fakeSeries{"x": instances(3, 2)}}
	eps := []backtest.Episode{episode("XDown-1", "i02", 30*time.Minute, 32*time.Minute, 40*time.Minute)}
	out := output(eps, []backtest.Episode{episode("XDown-1", "i02", 30*time.Minute, 35*time.Minute, 40*time.Minute)})
	before := fmt.Sprintf("%+v %+v %+v", *out.Report, *out.Baseline, *out.Diff)
	build(t, src, out, xDown, Options{})
	assert.Equal(t, before, fmt.Sprintf("%+v %+v %+v", *out.Report, *out.Baseline, *out.Diff))
}

// What is left out or cannot be drawn is said in a note.
func TestBuildNotes(t *testing.T) {
	var many []backtest.Episode
	for i := range 40 {
		many = append(many, episode(fmt.Sprintf("XDown-%d", i+1), fmt.Sprintf("i%02d", i), 0, time.Minute, 2*time.Minute))
	}
	tests := []struct {
		name  string
		src   *fakeSource
		rules []backtest.AlertRule
		eps   []backtest.Episode
		opts  Options
		notes []string
	}{
		{"all drawn", &fakeSource{series: map[string][]fakeSeries{"x": instances(5, 0)}}, xDown, nil, Options{}, nil},
		{"series capped", &fakeSource{series: map[string][]fakeSeries{"x": instances(30, 29)}}, xDown, nil, Options{},
			[]string{"20 of the 30 input series drawn", "value: 6 of the 30 series of x drawn"}},
		{"caps given", &fakeSource{series: map[string][]fakeSeries{"x": instances(5, 0)}}, xDown, many, Options{MaxInputs: 2, MaxValues: 1, MaxBands: 3},
			[]string{"3 of the 40 label sets drawn", "2 of the 5 input series drawn", "value: 1 of the 5 series of x drawn"}},
		{"no rule", &fakeSource{}, nil, nil, Options{}, []string{"no rule of this name to draw the series of"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := build(t, tc.src, output(tc.eps, nil), tc.rules, tc.opts)
			assert.ElementsMatch(t, tc.notes, p.Alerts[0].Notes)
		})
	}
}

// A query the source fails fails the page, with the source's error and
// kind; no query follows it.
func TestBuildFailsWithTheSource(t *testing.T) {
	src := &fakeSource{fail: map[string]bool{"x": true}}
	_, err := Build(context.Background(), src, output(nil, nil), xDown, Options{})
	require.ErrorIs(t, err, errDown)
	var be *backtest.Error
	require.ErrorAs(t, err, &be)
	assert.Equal(t, backtest.ErrSource, be.Kind)
	assert.Contains(t, err.Error(), "drawing XDown for the HTML report: x: ")
	assert.Len(t, src.queries, 1)
}

// Of 30 series, the one an episode is about is drawn though it comes
// last.
func TestCappedSeriesKeepTheEpisodes(t *testing.T) {
	src := &fakeSource{series: map[string][]fakeSeries{"x": instances(30, 29)}}
	out := output([]backtest.Episode{episode("XDown-1", "i29", 30*time.Minute, 32*time.Minute, 40*time.Minute)}, nil)
	c := build(t, src, out, xDown, Options{}).Alerts[0].Chart
	assert.Equal(t, `x{instance="i29"}`, c.Alerts[0].Values[0].Name)
	assert.Equal(t, `x{instance="i29"}`, c.Inputs[0].Name)
}

// With a baseline each label set has a before and an after row, and the
// first instant they differ is marked.
func TestBaselineBands(t *testing.T) {
	src := &fakeSource{series: map[string][]fakeSeries{"x": instances(3, 2)}}
	out := output([]backtest.Episode{episode("XDown-1", "i02", 30*time.Minute, 32*time.Minute, 40*time.Minute)},
		[]backtest.Episode{episode("XDown-1", "i02", 30*time.Minute, 35*time.Minute, 40*time.Minute), episode("XDown-2", "i01", -1, 0, 10*time.Minute)})
	bands := build(t, src, out, xDown, Options{}).Alerts[0].Chart.Alerts[0].Bands
	require.Len(t, bands, 2)
	assert.Equal(t, `{instance="i01"}`, bands[0].Labels)
	assert.Equal(t, []chart.State{chart.Firing, chart.Inactive}, bands[0].Expected, "firing from the start")
	assert.Equal(t, []chart.State{chart.Inactive, chart.Inactive}, bands[0].Actual)
	assert.Equal(t, 0, bands[0].FirstDiff)
	b := bands[1]
	assert.Equal(t, "before", b.ExpectedName)
	assert.Equal(t, "after", b.ActualName)
	assert.Equal(t, []time.Duration{0, 30 * time.Minute, 32 * time.Minute, 35 * time.Minute, 40 * time.Minute}, b.At)
	assert.Equal(t, []chart.State{chart.Inactive, chart.Pending, chart.Pending, chart.Firing, chart.Inactive}, b.Expected)
	assert.Equal(t, 2, b.FirstDiff)
}

func TestLow(t *testing.T) {
	tests := []struct {
		th   *chart.Threshold
		want bool
	}{
		{nil, false},
		{&chart.Threshold{Op: ">"}, false},
		{&chart.Threshold{Op: ">="}, false},
		{&chart.Threshold{Op: "<"}, true},
		{&chart.Threshold{Op: "<="}, true},
		{&chart.Threshold{Op: "=="}, true},
		{&chart.Threshold{Op: "!="}, false},
		{&chart.Threshold{Op: "<", ScalarLeft: true}, false},
		{&chart.Threshold{Op: ">", ScalarLeft: true}, true},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, low(tc.th), "%+v", tc.th)
	}
}

// The page escapes what it prints, fetches nothing and lists the diff.
func TestWrite(t *testing.T) {
	src := &fakeSource{series: map[string][]fakeSeries{"x": instances(3, 2)}}
	out := output([]backtest.Episode{episode("XDown-1", "<b>i02</b>", 30*time.Minute, 32*time.Minute, 40*time.Minute)},
		[]backtest.Episode{episode("XDown-1", "<b>i02</b>", 30*time.Minute, 35*time.Minute, 40*time.Minute)})
	out.Report.Warnings = []string{"a <warning>"}
	var b bytes.Buffer
	require.NoError(t, Write(&b, build(t, src, out, xDown, Options{})))
	page := b.String()
	for _, banned := range []string{"<script", "<link", "<img", "<iframe", "@import", "url(", " src=", "<b>", "<warning>"} {
		assert.NotContains(t, page, banned)
	}
	for _, want := range []string{"data &lt;dir&gt;", "Compared with old rules", "shifted XDown-1 {instance=&#34;&lt;b&gt;i02&lt;/b&gt;&#34;}: firing 2026-11-02T00:35:00Z &rarr; 2026-11-02T00:32:00Z",
		`<section class="alert changed" id="alert-0">`, `<svg class="chart"`, "a &lt;warning&gt;", "first differs at 2026-11-02 00:32:00Z"} {
		assert.Contains(t, page, want)
	}
	assert.True(t, strings.HasSuffix(page, "</html>\n"))
}

// A failing writer's error is returned.
func TestWriteError(t *testing.T) {
	out := output(nil, nil)
	err := Write(failWriter{}, build(t, &fakeSource{}, out, xDown, Options{}))
	assert.EqualError(t, err, "disk full")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

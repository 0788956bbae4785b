package chart_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/chart"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const agentDown = "../../fixtures/agent-down.yaml"

// brokenAgentDown runs the first AgentDown test group with its firing time
// moved one evaluation (30s) later than the rules make it, as an author's
// mistake would.
func brokenAgentDown(t *testing.T) (*harness.FileResult, *harness.TestResult) {
	t.Helper()
	f, err := fixture.Load(agentDown)
	require.NoError(t, err)
	f.Tests = f.Tests[:1]
	te := &f.Tests[0].Timeline[0]
	later := *te.Firing + 30*time.Second
	te.Firing = &later
	fr := harness.NewRunner(harness.Options{RecordOutputs: true}).RunFixture(f)
	require.NoError(t, fr.Err)
	require.True(t, fr.Tests[0].Failed())
	return fr, fr.Tests[0]
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

func TestTextGolden(t *testing.T) {
	fr, tr := brokenAgentDown(t)
	c := new(chart.Builder).Build(fr.Path, tr)
	at := 150 * time.Second
	for _, tc := range []struct {
		name string
		o    chart.TextOptions
	}{
		{"broken-unicode.golden", chart.TextOptions{Width: 100}},
		{"broken-ascii.golden", chart.TextOptions{Width: 100, ASCII: true}},
		{"broken-ascii-at.golden", chart.TextOptions{Width: 100, ASCII: true, At: &at}},
		{"broken-narrow.golden", chart.TextOptions{Width: 60}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, chart.WriteText(&b, c, tc.o))
			golden(t, tc.name, b.Bytes())
			for _, l := range bytes.Split(b.Bytes(), []byte("\n")) {
				assert.LessOrEqual(t, len([]rune(string(l))), tc.o.Width, "line %q", l)
			}
		})
	}
}

// The actual firing band starts one evaluation before the expected one,
// and the first differing instant is that evaluation.
func TestBrokenFiringIsOneEvaluationAway(t *testing.T) {
	fr, tr := brokenAgentDown(t)
	c := new(chart.Builder).Build(fr.Path, tr)
	require.Len(t, c.Alerts, 1)
	a := c.Alerts[0]
	require.NotNil(t, a.Threshold)
	assert.Equal(t, "==", a.Threshold.Op)
	require.Len(t, a.Bands, 1)
	b := a.Bands[0]
	first := func(st []chart.State) time.Duration {
		for i, s := range st {
			if s == chart.Firing {
				return b.At[i]
			}
		}
		return -1
	}
	assert.Equal(t, 150*time.Second, first(b.Actual))
	assert.Equal(t, 180*time.Second, first(b.Expected))
	require.GreaterOrEqual(t, b.FirstDiff, 0)
	assert.Equal(t, 150*time.Second, b.At[b.FirstDiff])
	assert.Equal(t, chart.Pending, b.Expected[b.FirstDiff])
	assert.Equal(t, chart.Firing, b.Actual[b.FirstDiff])
	// The input series crosses the threshold: up is 0 from 70s.
	require.NotEmpty(t, c.Inputs)
}

// Colour is an addition: without the escape codes the chart reads the
// same, and without Color there are none.
func TestColourIsOnlyAnAddition(t *testing.T) {
	fr, tr := brokenAgentDown(t)
	c := new(chart.Builder).Build(fr.Path, tr)
	var plain, coloured bytes.Buffer
	require.NoError(t, chart.WriteText(&plain, c, chart.TextOptions{Width: 100}))
	require.NoError(t, chart.WriteText(&coloured, c, chart.TextOptions{Width: 100, Color: true}))
	assert.NotContains(t, plain.String(), "\x1b[")
	assert.Contains(t, coloured.String(), "\x1b[31m")
	assert.Equal(t, plain.String(), ansi.ReplaceAllString(coloured.String(), ""))
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// A promtool test file's eval_times are marked on the axis, and its alert
// tests give expected states at those instants only.
func TestPromtoolEvalTimes(t *testing.T) {
	fr := harness.NewRunner(harness.Options{RecordOutputs: true}).RunFile("testdata/promtool.yml")
	require.NoError(t, fr.Err)
	c := new(chart.Builder).Build(fr.Path, fr.Tests[0])
	require.NotNil(t, c)
	assert.Equal(t, []time.Duration{5 * time.Minute, 10 * time.Minute}, c.Marks)
	var b bytes.Buffer
	require.NoError(t, chart.WriteText(&b, c, chart.TextOptions{Width: 100, ASCII: true}))
	golden(t, "promtool-ascii.golden", b.Bytes())
}

// Two PrometheusRules of one file each have a group "g" with one alert:
// each alert's chart shows its own expression, read from its own
// resource's group.
func TestAlertsOfGroupsOfOneName(t *testing.T) {
	dir := t.TempDir()
	rules := `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: a}
spec:
  groups:
  - name: g
    rules: [{alert: A, expr: "up == 0"}]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: b}
spec:
  groups:
  - name: g
    rules: [{alert: B, expr: "up == 1"}]
`
	test := `rule_files: [rules.yaml]
tests:
- interval: 1m
  input_series:
  - series: 'up{job="x"}'
    values: 1 0
  alert_rule_test:
  - {eval_time: 0m, alertname: B, exp_alerts: [{exp_labels: {job: x}}]}
  - {eval_time: 1m, alertname: A, exp_alerts: [{exp_labels: {job: x}}]}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(rules), 0o644))
	path := filepath.Join(dir, "test.yaml")
	require.NoError(t, os.WriteFile(path, []byte(test), 0o644))
	fr := harness.NewRunner(harness.Options{RecordOutputs: true}).RunFile(path)
	harness.RequirePass(t, fr)
	c := new(chart.Builder).Build(fr.Path, fr.Tests[0])
	require.NotNil(t, c)
	exprs := map[string]string{}
	for _, a := range c.Alerts {
		exprs[a.Name] = a.Expr
	}
	assert.Equal(t, map[string]string{"A": "up == 0", "B": "up == 1"}, exprs)
}

// A column of a series shows its largest value, of a Low series its
// smallest: a series alternating 1 and 0 within every column is drawn flat
// at 1, or flat at 0 when Low.
func TestLowSeriesKeepsDips(t *testing.T) {
	var at []time.Duration
	var vals []float64
	for i := range 480 {
		at = append(at, time.Duration(i)*500*time.Millisecond)
		vals = append(vals, float64(1-i%2))
	}
	for _, tc := range []struct {
		low       bool
		want, not string
	}{{false, " 8.0", " 30.0"}, {true, " 30.0", " 8.0"}} {
		c := &chart.Chart{Title: "t", End: 240 * time.Second, Inputs: []chart.Series{{Name: "up", At: at, Values: vals, Low: tc.low}}}
		var b bytes.Buffer
		require.NoError(t, chart.WriteSVG(&b, c))
		path := regexp.MustCompile(`<path class="input" d="([^"]*)"`).FindStringSubmatch(b.String())
		require.Len(t, path, 2)
		assert.Contains(t, path[1], tc.want, "low %v", tc.low)
		assert.NotContains(t, path[1], tc.not, "low %v", tc.low)
	}
}

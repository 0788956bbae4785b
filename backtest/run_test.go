package backtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/memstore"
)

func writeRules(t *testing.T, content string) []RuleFile {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rules.yaml")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return []RuleFile{{Path: p}}
}

func dataStore(t *testing.T) *memstore.Store {
	s := memstore.New()
	appendGen(t, s.AppenderV2(context.Background()), t0, 0, 3*time.Hour, 15*time.Second, testSeries())
	return s
}

func TestRunErrorsCarryTheirKind(t *testing.T) {
	tests := []struct {
		name  string
		rules string
		opts  Options
		kind  ErrorKind
		line  int
	}{
		{"from after to", "groups: []\n", Options{From: t0.Add(time.Hour), To: t0}, ErrUsage, 0},
		{"forward read in one group", `groups:
  - name: g
    rules:
      - alert: A
        expr: x:sum > 0
      - record: x:sum
        expr: sum(up)
`, Options{From: t0, To: t0.Add(time.Hour)}, ErrUnsupported, 4},
		{"writer with a larger query offset", `groups:
  - name: w
    query_offset: 1m
    rules:
      - record: x:sum
        expr: sum(up)
  - name: r
    rules:
      - alert: A
        expr: x:sum > 0
`, Options{From: t0, To: t0.Add(time.Hour)}, ErrUnsupported, 9},
		{"reads its own output", `groups:
  - name: g
    rules:
      - record: x:sum
        expr: sum(up) + (x:sum or vector(0))
`, Options{From: t0, To: t0.Add(time.Hour)}, ErrUnsupported, 4},
		{"reads a later alert of its group", `groups:
  - name: g
    rules:
      - alert: A
        expr: ALERTS{alertname="B"} == 1
      - alert: B
        expr: up == 0
`, Options{From: t0, To: t0.Add(time.Hour)}, ErrUnsupported, 4},
		{"too many series", `groups:
  - name: g
    rules:
      - alert: A
        expr: up > 0
`, Options{From: t0, To: t0.Add(time.Hour), MaxSeries: 3}, ErrTooManySeries, 4},
		{"query error", `groups:
  - name: g
    rules:
      - alert: A
        expr: sum_over_time(up[2h:1ms]) > 0
`, Options{From: t0, To: t0.Add(time.Hour)}, ErrQuery, 4},
		{"template beyond the budget", `groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        annotations:
          summary: '{{ range 100000000 }}x{{ end }}'
`, Options{From: t0, To: t0.Add(time.Hour)}, ErrTemplate, 4},
		{"template beyond a given budget, evaluated stepwise", `groups:
  - name: g
    rules:
      - alert: A
        expr: up @ end() >= 0
        labels:
          who: '{{ range query "up" }}{{ .Labels.instance }}{{ end }}'
`, Options{From: t0, To: t0.Add(time.Hour), MaxTemplateBytes: 2000}, ErrTemplate, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := LoadRules(writeRules(t, tc.rules), LoadOptions{})
			require.NoError(t, err)
			src := NewLocal(dataStore(t), LocalOptions{MaxSamples: 1_000_000})
			rep, err := Run(context.Background(), src, rs, tc.opts)
			assert.Nil(t, rep)
			var e *Error
			require.True(t, errors.As(err, &e), "%v", err)
			assert.Equal(t, tc.kind, e.Kind, "%v", err)
			assert.Equal(t, tc.line, e.Line, "%v", err)
		})
	}
}

func TestLoadRulesNamesFileAndLine(t *testing.T) {
	files := writeRules(t, "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up >\n")
	_, err := LoadRules(files, LoadOptions{})
	var e *Error
	require.True(t, errors.As(err, &e), "%v", err)
	assert.Equal(t, ErrRuleFile, e.Kind)
	assert.Equal(t, files[0].Path, e.File)
	assert.Equal(t, 5, e.Line)
}

func TestLoadRulesReadsCRDsAndGivenContent(t *testing.T) {
	crd := `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: r
  namespace: ns
spec:
  groups:
    - name: g
      rules:
        - alert: FromCRD
          expr: up == 0
`
	rs, err := LoadRules([]RuleFile{{Path: "at-rev/rules.yaml", Content: []byte(crd)}}, LoadOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"FromCRD"}, rs.Alerts())
}

// Two PrometheusRules of one file each have a group "availability": each
// is a rule file of its own, so both groups load, from a path or from
// given content.
func TestLoadRulesLoadsEveryPrometheusRuleOfAFile(t *testing.T) {
	const path = "../testdata/crd-shared-group/rules.yaml"
	content, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		file RuleFile
	}{
		{"path", RuleFile{Path: path}},
		{"content", RuleFile{Path: "at-rev/rules.yaml", Content: content}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := LoadRules([]RuleFile{tc.file}, LoadOptions{})
			require.NoError(t, err)
			assert.Equal(t, []string{"WorkerDown", "APIDown"}, rs.Alerts())
			require.Len(t, rs.groups, 2)
			for _, g := range rs.groups {
				assert.Equal(t, "availability", g.g.Name())
			}
			assert.NotEqual(t, rs.groups[0].g.File(), rs.groups[1].g.File())
		})
	}
}

func TestRunTwiceIsRefused(t *testing.T) {
	rs, err := LoadRules([]RuleFile{{Path: "testdata/equiv.yaml"}}, LoadOptions{})
	require.NoError(t, err)
	src := NewLocal(dataStore(t), LocalOptions{})
	_, err = Run(context.Background(), src, rs, Options{From: t0, To: t0.Add(time.Hour)})
	require.NoError(t, err)
	_, err = Run(context.Background(), src, rs, Options{From: t0, To: t0.Add(time.Hour)})
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, ErrUsage, e.Kind)
}

func TestStats(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	a := labels.FromStrings("alertname", "A", "i", "a")
	b := labels.FromStrings("alertname", "A", "i", "b")
	eps := []Episode{
		{Alert: "A", Labels: a, Pending: at(0), Firing: at(5), Resolved: at(15)},
		{Alert: "A", Labels: b, Pending: at(8), Firing: at(10), Resolved: at(20)},
		{Alert: "A", Labels: a, Pending: at(25), Firing: at(25), Resolved: at(30)},
		{Alert: "A", Labels: a, Pending: at(40), Resolved: at(41)},
		{Alert: "A", Labels: b, Pending: at(50), Firing: at(55)},
	}
	got := stats([]string{"A", "B"}, eps, at(0), at(100), 15*time.Minute)
	assert.Equal(t, []AlertStats{
		{Alert: "A", Episodes: 4, PendingOnly: 1, FiringTime: 70 * time.Minute, MedianFiring: 10 * time.Minute, Flaps: 1, FiringShare: 0.65},
		{Alert: "B"},
	}, got)
}

func TestWarmupGivesTheStateOfALongerRun(t *testing.T) {
	from, to, warm := t0.Add(90*time.Minute), t0.Add(3*time.Hour), 80*time.Minute
	run := func(opts Options) *Report {
		rs, err := LoadRules([]RuleFile{{Path: "testdata/equiv.yaml"}}, LoadOptions{})
		require.NoError(t, err)
		rep, err := Run(context.Background(), NewLocal(dataStore(t), LocalOptions{}), rs, opts)
		require.NoError(t, err)
		return rep
	}
	long := run(Options{From: from.Add(-warm), To: to})
	warmed := run(Options{From: from, To: to, Warmup: warm})

	// The longer run's episodes not over by from, numbered again.
	var want []Episode
	n := map[string]int{}
	for _, e := range long.Episodes {
		if !e.Resolved.IsZero() && !e.Resolved.After(from) {
			continue
		}
		n[e.Alert]++
		e.ID = e.Alert + "-" + strconv.Itoa(n[e.Alert])
		want = append(want, e)
	}
	assert.Equal(t, want, warmed.Episodes)
	early := 0
	for _, e := range warmed.Episodes {
		if e.Pending.Before(from) {
			early++
		}
	}
	assert.Positive(t, early, "some episodes were under way at from")

	cold := run(Options{From: from, To: to})
	assert.NotEqual(t, cold.Episodes, warmed.Episodes, "without the warm-up the state starts empty")
	for _, a := range warmed.Alerts {
		assert.LessOrEqual(t, a.FiringShare, 1.0)
	}
}

// A template that is not plain but stays within the budget changes
// nothing: the run gives the episodes of the same rule without it, and a
// template repeating the rule's own query is answered.
func TestTemplatesWithinTheBudgetRun(t *testing.T) {
	// One path for both, so that the group is evaluated at the same times.
	path := filepath.Join(t.TempDir(), "rules.yaml")
	run := func(annotation string) *Report {
		require.NoError(t, os.WriteFile(path, []byte(`groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        for: 2m
        annotations:
          summary: '`+annotation+`'
`), 0o600))
		rs, err := LoadRules([]RuleFile{{Path: path}}, LoadOptions{})
		require.NoError(t, err)
		rep, err := Run(context.Background(), NewLocal(dataStore(t), LocalOptions{}), rs, Options{From: t0, To: t0.Add(3 * time.Hour)})
		require.NoError(t, err)
		return rep
	}
	plain := run("{{ $labels.instance }} is down")
	checked := run(`{{ range query "up == 0" }}{{ .Labels.instance }} {{ end }}{{ range 3 }}.{{ end }}`)
	require.NotEmpty(t, plain.Episodes)
	assert.Equal(t, plain.Episodes, checked.Episodes)
	assert.Empty(t, checked.Warnings)
}

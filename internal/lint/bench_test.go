package lint_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/checks"
)

// mixinCorpus writes a generated corpus shaped like the rendered
// monitoring mixins: n directories, each with an alerts.yaml of eight
// alerts and a rules.yaml of three recording rules (106 mixins make 212
// files, about 850 alerts and 320 recording rules, as the real set has).
// The expressions cover what the checks analyse: ratios of rates,
// histogram quantiles, absent, counts, recorded metrics, templates with
// $labels, $value and queries.
func mixinCorpus(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	for i := range n {
		m := fmt.Sprintf("app%03d", i)
		d := filepath.Join(dir, m)
		require.NoError(tb, os.MkdirAll(d, 0o755))
		require.NoError(tb, os.WriteFile(filepath.Join(d, "alerts.yaml"), []byte(mixinAlerts(m)), 0o644))
		require.NoError(tb, os.WriteFile(filepath.Join(d, "rules.yaml"), []byte(mixinRules(m)), 0o644))
	}
	return dir
}

func mixinRules(m string) string {
	return strings.ReplaceAll(`groups:
- name: M.rules
  rules:
  - record: job:M_requests:rate5m
    expr: sum by (job) (rate(M_requests_total[5m]))
  - record: job:M_errors:rate5m
    expr: sum by (job) (rate(M_requests_total{code=~"5.."}[5m]))
  - record: job_le:M_request_duration_seconds_bucket:rate5m
    expr: sum by (job, le) (rate(M_request_duration_seconds_bucket[5m]))
`, "M", m)
}

func mixinAlerts(m string) string {
	return strings.ReplaceAll(`groups:
- name: M-alerts
  rules:
  - alert: MDown
    expr: absent(up{job="M"})
    for: 5m
    labels:
      severity: critical
    annotations:
      summary: M has disappeared.
      description: 'M target {{ $labels.job }} is gone.'
  - alert: MHighErrorRate
    expr: |
      sum by (job, instance) (rate(M_requests_total{code=~"5..", handler!="/metrics"}[5m]))
        /
      sum by (job, instance) (rate(M_requests_total{handler!="/metrics"}[5m]))
        > 0.05
    for: 10m
    labels:
      severity: warning
    annotations:
      description: '{{ $labels.instance }} of {{ $labels.job }} fails {{ $value | humanizePercentage }} of requests.'
      summary: M has a high error rate.
  - alert: MRecordedErrorRate
    expr: job:M_errors:rate5m / job:M_requests:rate5m > 0.1
    for: 15m
    labels:
      severity: critical
    annotations:
      description: 'Job {{ $labels.job }} fails {{ printf "%.2f" $value }} of requests.'
  - alert: MHighLatency
    expr: |
      histogram_quantile(0.99, sum by (job, le) (rate(M_request_duration_seconds_bucket[5m]))) > 1
      and
      sum by (job) (rate(M_request_duration_seconds_count[5m])) > 0
    for: 10m
    labels:
      severity: warning
    annotations:
      description: 'p99 latency of {{ $labels.job }} is {{ $value | humanizeDuration }}.'
  - alert: MRecordedLatency
    expr: histogram_quantile(0.9, job_le:M_request_duration_seconds_bucket:rate5m) > 0.5
    for: 10m
    labels:
      severity: info
  - alert: MRestarting
    expr: increase(M_process_restarts_total[15m]) > 3
    labels:
      severity: warning
    annotations:
      description: '{{ $labels.pod }} in {{ $labels.namespace }} restarted {{ $value }} times.'
  - alert: MTooManyDown
    expr: count by (job) (up{job=~"M.*"} == 0) / count by (job) (up{job=~"M.*"}) > 0.5
    for: 5m
    labels:
      severity: critical
    annotations:
      description: '{{ $value | humanizePercentage }} of {{ $labels.job }} is down; {{ with query "count(up{job=\"M\"})" }}{{ . | first | value }}{{ end }} targets in all.'
  - alert: MQueueFilling
    expr: |
      predict_linear(M_queue_length{job="M"}[1h], 4 * 3600) > 1000
      and
      max_over_time(M_queue_length{job="M"}[10m]) > 100
    for: 30m
    labels:
      severity: warning
    annotations:
      summary: 'The queue of {{ $labels.instance }} fills up.'
`, "M", m)
}

// BenchmarkLintMixinCorpus lints a generated corpus of 212 rule files with
// every check and no catalog, as rulecheck lint does on a directory of
// rendered mixins.
func BenchmarkLintMixinCorpus(b *testing.B) {
	dir := mixinCorpus(b, 106)
	opts := lint.Options{Checks: checks.All()}
	res, err := lint.Run([]string{dir}, opts)
	require.NoError(b, err)
	require.Len(b, res.Files, 212)
	b.ResetTimer()
	for b.Loop() {
		_, err := lint.Run([]string{dir}, opts)
		require.NoError(b, err)
	}
}

package harness_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/report"
)

// fuzzRules is the fixed rule file of FuzzReplay: a recording rule read by
// an alert of another group, alerts with and without 'for', templates, and
// absent().
const fuzzRules = `groups:
  - name: fuzz
    interval: 30s
    rules:
      - record: job:x:rate2m
        expr: sum by (job) (rate(x[2m]))
      - alert: High
        expr: x > 5
        for: 1m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.instance }} at {{ $value | humanize }}"
      - alert: Absent
        expr: absent(x{instance="a"})
        for: 2m
  - name: second
    rules:
      - alert: RateHigh
        expr: job:x:rate2m > 0.1
        keep_firing_for: 1m
`

// replayFixture writes the fuzzed test file: one series with the fuzzed
// values, one fixed series, alert and PromQL tests at the fuzzed times.
func replayFixture(rules, values string, evalA, evalB time.Duration, interval time.Duration, serverSchedule bool) []byte {
	test := map[string]any{
		"name":     "fuzz",
		"interval": interval.String(),
		"input_series": []map[string]string{
			{"series": `x{job="j", instance="a"}`, "values": values},
			{"series": `x{job="j", instance="b"}`, "values": "1+1x10"},
		},
		"alert_rule_test": []map[string]any{
			{"eval_time": evalA.String(), "alertname": "High"},
			{"eval_time": evalB.String(), "alertname": "Absent", "exp_alerts": []map[string]any{{"exp_labels": map[string]string{}}}},
			{"eval_time": evalB.String(), "alertname": "RateHigh", "exp_alerts": []map[string]any{{"exp_labels": map[string]string{"job": "j"}}}},
		},
		"promql_expr_test": []map[string]any{
			{"expr": "x", "eval_time": evalA.String(), "exp_samples": []map[string]any{{"labels": `x{job="j", instance="b"}`, "value": 2}}},
			{"expr": "job:x:rate2m", "eval_time": evalB.String()},
		},
	}
	file := map[string]any{
		"rule_files":          []string{rules},
		"evaluation_interval": "1m",
		"tests":               []any{test},
	}
	if serverSchedule {
		file["format"] = harness.FormatV1
		test["allow_unlisted_alerts"] = true
		test["timeline"] = []map[string]any{{"alert": "High", "labels": map[string]string{"job": "j", "instance": "a", "severity": "page"}, "pending": evalA.String()}}
	}
	b, err := yaml.Marshal(file)
	if err != nil {
		panic(err)
	}
	return b
}

func render(results []*harness.FileResult) string {
	var b bytes.Buffer
	report.WriteText(&b, results, report.TextOptions{Warnings: true, Timeline: true, Debug: true})
	if err := report.WriteJSON(&b, results); err != nil {
		panic(err)
	}
	return b.String()
}

// FuzzReplay replays a small generated test file with a fixed rule file,
// with arbitrary input values, eval times and interval, in both semantics.
// It must never panic or run away; what it reports must be positioned
// (every failure at a line of the file) and deterministic: three runs,
// each with its own Runner, render byte for byte the same report.
func FuzzReplay(f *testing.F) {
	for _, s := range []struct {
		values         string
		a, b           uint16
		iv             uint8
		serverSchedule bool
		parseError     bool
	}{
		{values: "0 0 10 10 10 10 10"},
		{values: "0+1x20", a: 600, b: 1200, iv: 2},
		{values: "10x5 _x5 10x5", a: 300, b: 900, iv: 5, serverSchedule: true},
		{values: "NaN Inf -Inf stale 1", a: 60, b: 240},
		{values: "_x20", a: 0, b: 1500, iv: 0, serverSchedule: true},
		{values: "1e400", a: 60, b: 60},
		{values: "0+1x1000000000", a: 60, b: 60},
		{values: "{{sum:3 count:2 buckets:[2]}}x5", a: 120, b: 300, iv: 1},
		{values: "1 2 3", a: 65535, b: 65535, iv: 255},
		{values: "}}{{", a: 1, b: 2},
	} {
		f.Add(s.values, s.a, s.b, s.iv, s.serverSchedule)
	}
	dir := f.TempDir()
	rules := filepath.Join(dir, "fuzz.rules.yaml")
	if err := os.WriteFile(rules, []byte(fuzzRules), 0o644); err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(dir, "fuzz.yaml")
	opts := harness.Options{Limits: harness.Limits{
		MaxSamplesPerSeries: 2000, MaxSamplesPerTest: 5000, MaxSeriesPerTest: 10, MaxSteps: 600,
		QueryTimeout: 10 * time.Second,
	}}
	intervals := []time.Duration{time.Minute, 10 * time.Second, 30 * time.Second, 15 * time.Second, 2 * time.Minute, 5 * time.Minute}
	f.Fuzz(func(t *testing.T, values string, a, b uint16, iv uint8, serverSchedule bool) {
		if len(values) > 200 {
			return
		}
		// Eval times up to 18h12m (more steps than the limit allows: that
		// path is exercised too), in seconds and fractions of a minute.
		evalA := time.Duration(a) * time.Second
		evalB := time.Duration(b) * time.Second
		interval := intervals[int(iv)%len(intervals)]
		content := replayFixture(rules, values, evalA, evalB, interval, serverSchedule)

		fx, err := fixture.Parse(path, content)
		if err != nil {
			var fe *fixture.Error
			if !errors.As(err, &fe) || strings.TrimSpace(fe.Msg) == "" {
				t.Fatalf("unclear error %T: %v\n%s", err, err, content)
			}
			return
		}
		var outs []string
		for range 3 {
			fr := harness.NewRunner(opts).RunFixture(fx)
			if fr.Err != nil {
				t.Fatalf("file error with a valid rule file: %v\n%s", fr.Err, content)
			}
			lines := bytes.Count(content, []byte("\n")) + 1
			for _, tr := range fr.Tests {
				if tr.BadInput && !tr.Failed() {
					t.Fatalf("bad input without a failure")
				}
				for _, fl := range tr.Failures {
					if fl.Line <= 0 || fl.Line > lines || strings.TrimSpace(fl.Message) == "" {
						t.Fatalf("failure at line %d of %d: %q\n%s", fl.Line, lines, fl.Message, content)
					}
				}
			}
			outs = append(outs, render([]*harness.FileResult{fr}))
		}
		for i := 1; i < len(outs); i++ {
			if outs[i] != outs[0] {
				t.Fatalf("run %d differs from run 1:\n%s", i+1, diffLines(outs[0], outs[i]))
			}
		}
		// Oracle: pruning and the annotation shortcut never change a verdict.
		fullOpts := opts
		fullOpts.NoPrune = true
		okOn, casesOn := harness.Verdicts(harness.NewRunner(opts).RunFixture(fx))
		okOff, casesOff := harness.Verdicts(harness.NewRunner(fullOpts).RunFixture(fx))
		if okOn != okOff || !maps.Equal(casesOn, casesOff) {
			t.Fatalf("pruning changes the verdict: %v %v with it, %v %v without\n%s", okOn, casesOn, okOff, casesOff, content)
		}
	})
}

// diffLines shows the first differing line of two outputs.
func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, x, y)
		}
	}
	return ""
}

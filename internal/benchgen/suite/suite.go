// Package suite generates a deterministic promtool-format rule test suite
// shaped like real ones, for benchmarks: recording-rule chains, alerts on
// recorded series, an alert over ALERTS, a group limit, templates with
// $value and humanize, many short test groups and a few long ones.
package suite

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Config sizes the suite.
type Config struct {
	// Files is the number of rule file / test file pairs.
	Files int
	// Families is the number of service families per rule file; each has
	// three recording rules and three alerts.
	Families int
	// ShortTests is the number of short test groups per test file.
	ShortTests int
	// ShortSteps and LongSteps are the lengths, in 1m steps, of the short
	// test groups and of the long ones.
	ShortSteps, LongSteps int
	// LongTests is the number of long test groups, all in the first file.
	LongTests int
	// Instances is the number of instances per family in each test group.
	Instances int
}

// Scale returns the suite at scale k: the 1x suite has 8 rule files with
// 200 rules in all (96 recording rules, 104 alerts) and 8 test files with
// 114 test groups, two of them 12 hours long. Every test file loads every
// rule file, as suites built around a shared mixin do, while each test group
// exercises one family: most rule evaluations cannot affect any assertion.
// Rules, steps and series grow with k.
func Scale(k int) Config {
	return Axes(k, k, k)
}

// Axes scales the 1x suite's rules, steps and series separately.
func Axes(rules, steps, series int) Config {
	return Config{
		Files:      8,
		Families:   4 * rules,
		ShortTests: 14,
		ShortSteps: 30 * steps,
		LongSteps:  720 * steps,
		LongTests:  2,
		Instances:  2 * series,
	}
}

// Generate writes the suite into dir and returns the test files' paths.
func Generate(dir string, cfg Config) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var tests []string
	for f := range cfg.Files {
		rules := fmt.Sprintf("rules_%02d.yml", f)
		if err := os.WriteFile(filepath.Join(dir, rules), []byte(ruleFile(cfg, f)), 0o644); err != nil {
			return nil, err
		}
		test := filepath.Join(dir, fmt.Sprintf("test_%02d.yml", f))
		if err := os.WriteFile(test, []byte(testFile(cfg, f, "rules_*.yml")), 0o644); err != nil {
			return nil, err
		}
		tests = append(tests, test)
	}
	return tests, nil
}

func family(file, fam int) string { return fmt.Sprintf("svc%02d%03d", file, fam) }

func alertName(fam, kind string) string {
	return strings.ToUpper(fam[:1]) + fam[1:] + kind
}

func ruleFile(cfg Config, file int) string {
	var b strings.Builder
	b.WriteString("groups:\n")
	for i := range cfg.Families {
		f := family(file, i)
		fmt.Fprintf(&b, `- name: %[1]s-recording
  interval: 1m
  rules:
  - record: %[1]s:requests:rate5m
    expr: sum by (job, instance) (rate(%[1]s_requests_total[5m]))
  - record: %[1]s:errors:rate5m
    expr: sum by (job, instance) (rate(%[1]s_errors_total[5m]))
  - record: %[1]s:error_ratio:rate5m
    expr: %[1]s:errors:rate5m / %[1]s:requests:rate5m
- name: %[1]s-alerts
  interval: 30s
  limit: 100
  rules:
  - alert: %[2]s
    expr: %[1]s:error_ratio:rate5m > 0.05
    for: 5m
    labels:
      severity: critical
    annotations:
      summary: High error rate on {{ $labels.instance }}
      description: Error ratio is {{ $value | humanizePercentage }}
  - alert: %[3]s
    expr: up{job="%[1]s"} == 0
    for: 2m
    labels:
      severity: warning
    annotations:
      summary: Instance {{ $labels.instance }} of {{ $labels.job }} down
  - alert: %[4]s
    expr: %[1]s:requests:rate5m < 0.1
    for: 10m
    labels:
      severity: info
    annotations:
      summary: '{{ $labels.instance }} serves {{ $value | humanize }} requests/s'
`, f, alertName(f, "HighErrorRate"), alertName(f, "InstanceDown"), alertName(f, "NoTraffic"))
	}
	fmt.Fprintf(&b, `- name: meta-%02d
  rules:
  - alert: MultipleCriticalAlerts%02d
    expr: count by (job) (ALERTS{alertstate="firing", severity="critical"}) >= 2
    labels:
      severity: warning
    annotations:
      summary: '{{ $value }} critical alerts firing for {{ $labels.job }}'
`, file, file)
	return b.String()
}

func testFile(cfg Config, file int, rules string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rule_files:\n- %s\nevaluation_interval: 1m\ntests:\n", rules)
	n := 0
	if file == 0 {
		for i := range cfg.LongTests {
			testGroup(&b, cfg, file, n, fmt.Sprintf("long-%d", i), cfg.LongSteps)
			n++
		}
	}
	for i := range cfg.ShortTests {
		testGroup(&b, cfg, file, n, fmt.Sprintf("short-%d", i), cfg.ShortSteps)
		n++
	}
	return b.String()
}

// testGroup writes one test group for the n-th family (cycling) of a file.
// Instance 0 has a 10% error ratio (HighErrorRate pending at 1m, firing at
// 6m); the last instance goes down at 5m (InstanceDown firing at 7m).
func testGroup(b *strings.Builder, cfg Config, file, n int, name string, steps int) {
	f := family(file, n%cfg.Families)
	fmt.Fprintf(b, "- name: %s\n  interval: 1m\n  input_series:\n", name)
	for i := range cfg.Instances {
		inst := fmt.Sprintf("%s-%d", f, i)
		upVals := fmt.Sprintf("1x%d", steps)
		if i == cfg.Instances-1 {
			upVals = fmt.Sprintf("1x4 0x%d", steps-5)
		}
		errRate := 6
		if i == 0 {
			errRate = 60
		}
		fmt.Fprintf(b, "  - series: up{job=%q, instance=%q}\n    values: %s\n", f, inst, upVals)
		fmt.Fprintf(b, "  - series: %s_requests_total{job=%q, instance=%q}\n    values: 0+600x%d\n", f, f, inst, steps)
		fmt.Fprintf(b, "  - series: %s_errors_total{job=%q, instance=%q}\n    values: 0+%dx%d\n", f, f, inst, errRate, steps)
	}
	last := fmt.Sprintf("%s-%d", f, cfg.Instances-1)
	evalTimes := []int{10, steps / 2, steps}
	b.WriteString("  alert_rule_test:\n")
	for _, t := range evalTimes {
		fmt.Fprintf(b, `  - eval_time: %dm
    alertname: %s
    exp_alerts:
    - exp_labels: {job: %s, instance: %s-0, severity: critical}
      exp_annotations:
        summary: High error rate on %s-0
        description: Error ratio is 10%%
  - eval_time: %dm
    alertname: %s
    exp_alerts:
    - exp_labels: {job: %s, instance: %s, severity: warning}
      exp_annotations:
        summary: Instance %s of %s down
`, t, alertName(f, "HighErrorRate"), f, f, f, t, alertName(f, "InstanceDown"), f, last, last, f)
	}
	fmt.Fprintf(b, `  - eval_time: 3m
    alertname: %s
  promql_expr_test:
  - expr: %s:requests:rate5m{instance="%s-0"}
    eval_time: %dm
    exp_samples:
    - labels: '%s:requests:rate5m{job="%s", instance="%s-0"}'
      value: 10
`, alertName(f, "NoTraffic"), f, f, steps, f, f, f)
}

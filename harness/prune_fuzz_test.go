package harness_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// FuzzPruneVerdicts is the pruning oracle: with fuzzed rule expressions
// and input values, a test group that reads only some of the rules must
// get the same verdict with pruning on and off. Rule files that do not
// load are skipped: they fail the same way either way.
func FuzzPruneVerdicts(f *testing.F) {
	for _, s := range [][4]string{
		{"sum(x)", "sum(x) + 1", "x > 3", "1 2 3 4 5"},
		{"vector(1)", "count_values(\"\", x)", "x > 1", "5x5"},
		{"topk(scalar(k), x)", "label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")", "up == 0", "1 _ 3"},
		{"max_over_time(x[5m] anchored)", "sum by (job) (rate(x[2m]))", "absent(x)", "0+1x10"},
		{"x", "x * on(job) group_left y", "ALERTS > 0", "stale 1 2"},
		{"sum(x) or vector(0)", "quantile(2, x)", "x:a > 0", "{{schema:0 sum:1 count:1 buckets:[1]}}x3"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	dir := f.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	path := filepath.Join(dir, "test.yaml")
	opts := harness.Options{NoCatalog: true, Limits: harness.Limits{
		MaxSamplesPerSeries: 200, MaxSamplesPerTest: 1000, MaxSeriesPerTest: 10, MaxSteps: 200,
		QueryTimeout: 10 * time.Second,
	}}
	f.Fuzz(func(t *testing.T, recA, recB, alert, values string) {
		if len(recA)+len(recB)+len(alert)+len(values) > 300 {
			return
		}
		for _, s := range []string{recA, recB, alert, values} {
			if strings.ContainsAny(s, "\n\r'") {
				return
			}
		}
		rf := fmt.Sprintf("groups:\n- name: a\n  rules:\n  - record: x:a\n    expr: '%s'\n  - record: x:b\n    expr: '%s'\n- name: b\n  rules:\n  - alert: Read\n    expr: '%s'\n  - alert: Unread\n    expr: x:b > 0\n", recA, recB, alert)
		if err := os.WriteFile(rules, []byte(rf), 0o644); err != nil {
			t.Fatal(err)
		}
		tf := fmt.Sprintf("rule_files: [rules.yaml]\ntests:\n- interval: 1m\n  input_series:\n  - series: 'x{job=\"j\"}'\n    values: '%s'\n  - series: 'k'\n    values: '1x5'\n  alert_rule_test:\n  - eval_time: 3m\n    alertname: Read\n  promql_expr_test:\n  - expr: x\n    eval_time: 2m\n", values)
		fx, err := fixture.Parse(path, []byte(tf))
		if err != nil {
			return
		}
		full := opts
		full.NoPrune = true
		frOn := harness.NewRunner(opts).RunFixture(fx)
		frOff := harness.NewRunner(full).RunFixture(fx)
		okOn, on := harness.Verdicts(frOn)
		okOff, off := harness.Verdicts(frOff)
		if okOn != okOff || !maps.Equal(on, off) {
			t.Fatalf("pruning changes the verdict: %v with it, %v without\nrules:\n%s\ntest:\n%s\nwith:\n%s\nwithout:\n%s", on, off, rf, tf, harness.FormatResult(frOn), harness.FormatResult(frOff))
		}
	})
}

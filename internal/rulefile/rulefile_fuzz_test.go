package rulefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/rulefile"
)

var ruleFileSeeds = []string{
	"",
	"groups: []",
	"groups:\n- name: g\n  interval: 30s\n  labels: {team: a}\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 1m\n    keep_firing_for: 2m\n    labels: {severity: page}\n    annotations: {summary: '{{ $labels.instance }} down'}\n  - record: job:up:sum\n    expr: sum by (job) (up)\n",
	"groups:\n- name: g\n  rules:\n  - alert: A\n    record: B\n    expr: up\n",
	"groups:\n- name: g\n  rules:\n  - alert: A\n    expr: 'sum(up'\n",
	"groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations: {a: '{{ $labels.x }'}\n",
	"groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    owner: x\n",
	"groups:\n- name: g\n  rules: []\n- name: g\n  rules: []\n",
	"groups:\n- &g {name: g, rules: [&r {alert: A, expr: up}, *r]}\n- *g\n",
	"groups:\n- {<<: {name: g}, rules: []}\n",
	"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\n  namespace: ns\nspec:\n  groups:\n  - name: g\n    rules:\n    - alert: A\n      expr: up == 0\n      for: 5m\n",
	"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\n",
	"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRules\nmetadata:\n  name: r\nspec: {}\n",
	"apiVersion: v1\nkind: List\nitems:\n- apiVersion: monitoring.coreos.com/v1\n  kind: PrometheusRule\n  metadata: {name: a}\n  spec:\n    groups: &g\n    - name: g\n      rules: [{alert: A, expr: up}]\n- apiVersion: monitoring.coreos.com/v1\n  kind: PrometheusRule\n  metadata: {name: b}\n  spec:\n    groups: *g\n",
	"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: a}\nspec: &s\n  groups:\n  - name: g\n    rules:\n    - &r {alert: A, expr: up}\n    - *r\n",
	"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: a}\nspec:\n  <<: {groups: [{name: g, rules: [{alert: A, expr: up}]}]}\n",
	"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: a}\nspec:\n  groups:\n  - name: g\n    rules:\n    - alert: A\n      expr: up\n      bogus: 1\n  extra: true\n",
	"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: a}\nspec: {groups: [{name: g, rules: [{alert: A, expr: 1, for: [1]}]}]}\n---\n---\nkind: PrometheusRule\n",
	"kind: PrometheusRuleList\n",
	"- 1\n- 2\n",
	"a: &a [1, 1, 1, 1]\nb: &b [*a, *a, *a, *a]\ngroups: *b\n",
	"groups: [[[[[[[[]]]]]]]]",
	"groups:\n- name: \"caf\xe9\"\n",
	"groups:\x00",
}

// checkErr asserts that a rejected file gets positioned errors naming it,
// each with a message.
func checkErr(t *testing.T, path string, err error) {
	t.Helper()
	var list rulefile.Errors
	if errors.As(err, &list) {
		if len(list) == 0 {
			t.Fatalf("empty error list")
		}
		for _, e := range list {
			checkErr(t, path, e)
		}
		return
	}
	var e *rulefile.Error
	if !errors.As(err, &e) {
		t.Fatalf("error is a %T, not a *rulefile.Error: %v", err, err)
	}
	if e.File != path || strings.TrimSpace(e.Msg) == "" || e.Line < 0 || e.Column < 0 {
		t.Fatalf("unclear error: file %q, position %v, message %q", e.File, e.Range, e.Msg)
	}
	if !strings.HasPrefix(e.Error(), path) {
		t.Fatalf("error does not start with the file: %v", e)
	}
}

// FuzzRuleFile parses arbitrary bytes as a rule file, plain or
// PrometheusRule, with and without --ignore-unknown-fields. It must never
// panic; errors are *rulefile.Error (or a list of them) naming the file,
// with a message; parsing is deterministic; an accepted file's rules all
// have names and expressions Prometheus can parse, and a file accepted
// strictly is accepted leniently too.
func FuzzRuleFile(f *testing.F) {
	for _, s := range ruleFileSeeds {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	for _, g := range []string{"../../rules/*.yaml", "../../testdata/bad/*.rules.yaml", "../../../shared/conformance/promtool-testdata/*.yml", "../../../shared/conformance/thanos/*.yaml"} {
		matches, _ := filepath.Glob(g)
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil && len(b) < 64<<10 {
				f.Add(b, false)
			}
		}
	}
	const path = "fuzz.rules.yaml"
	p := parser.NewParser(parser.Options{})
	f.Fuzz(func(t *testing.T, data []byte, ignoreUnknown bool) {
		if len(data) > 64<<10 {
			return
		}
		opts := rulefile.Options{IgnoreUnknownFields: ignoreUnknown}
		file, err := rulefile.Parse(path, data, opts)
		file2, err2 := rulefile.Parse(path, data, opts)
		if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("not deterministic: %v, then %v", err, err2)
		}
		if err != nil {
			checkErr(t, path, err)
			return
		}
		if !reflect.DeepEqual(file.RuleGroups(), file2.RuleGroups()) || file.Kind != file2.Kind {
			t.Fatalf("not deterministic")
		}
		if file.Path != path {
			t.Fatalf("path %q", file.Path)
		}
		for _, g := range file.Groups {
			if g.Name == "" {
				t.Fatalf("accepted a group without a name")
			}
			for _, r := range g.Rules {
				if (r.Alert == "") == (r.Record == "") {
					t.Fatalf("accepted a rule with alert %q and record %q", r.Alert, r.Record)
				}
				if _, err := p.ParseExpr(r.Expr); err != nil {
					t.Fatalf("accepted rule %s%s with an expression Prometheus rejects: %v", r.Alert, r.Record, err)
				}
			}
		}
		if !ignoreUnknown {
			if _, err := rulefile.Parse(path, data, rulefile.Options{IgnoreUnknownFields: true}); err != nil {
				t.Fatalf("accepted strictly, rejected with unknown fields ignored: %v", err)
			}
		}
	})
}

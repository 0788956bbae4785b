package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const unnamedTest = `rule_files: [r.yaml]
tests:
- interval: 1m
  input_series:
  - series: free_bytes
    values: 1x5
  alert_rule_test:
  - eval_time: 2m
    alertname: HighFree
    exp_alerts: []
`

const bundle = `apiVersion: v1
kind: ConfigMap
metadata: {name: x}
data: {a: b}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: r}
spec:
  groups:
  - name: g
    rules:
    - alert: HighFree
      expr: free_bytes > 0
      labels: {severity: warning}
      annotations:
        summary: "Disk is {{ $value }} free."
`

// habitsProject is a repository with a passing promtool test, a bundle,
// and empty rule files.
func habitsProject(t *testing.T) string {
	return project(t, map[string]string{
		"r.yaml":            freeRules,
		"ok_test.yaml":      strings.ReplaceAll(freeTest, "../rules/r.yaml", "r.yaml"),
		"unnamed_test.yaml": unnamedTest,
		"bundle.yaml":       bundle,
		"bundle_test.yaml":  strings.ReplaceAll(freeTest, "../rules/r.yaml", "bundle.yaml"),
		"empty.yaml":        "",
		"null.yaml":         "null\n",
		"empty_test.yaml": `rule_files: [empty.yaml, null.yaml]
tests:
- interval: 1m
  input_series: [{series: up, values: 1x3}]
  promql_expr_test:
  - expr: up
    eval_time: 1m
    exp_samples: [{labels: up, value: 1}]
`,
	})
}

func TestPromtoolHabits(t *testing.T) {
	root := habitsProject(t)
	sub := filepath.Join(root, "sub")
	writeFile(t, filepath.Join(sub, "x"), "")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string // regular expression
		stderr string // regular expression
	}{
		{"flags after paths", []string{"test", "ok_test.yaml", "--strict", "-v"}, exitOK, `ok    ok_test.yaml:3  ok`, `^$`},
		{"test rules", []string{"test", "rules", "ok_test.yaml"}, exitOK, `1 passed`, `^$`},
		{"check rules", []string{"check", "rules", "r.yaml"}, exitOK, `no findings in 1 file`, `^$`},
		{"check rules broken", []string{"check", "rules", "ok_test.yaml"}, exitBadInput, ``, `not a rule file`},
		{"version", []string{"version"}, exitOK, `^rulecheck \S+`, `^$`},
		{"--version", []string{"--version"}, exitOK, `^rulecheck \S+`, `^$`},
		{"mistyped command", []string{"tset", "ok_test.yaml"}, exitBadInput, `^$`, `^rulecheck: unknown command "tset"; did you mean test\? \(rulecheck -h lists the commands\)\n$`},
		{"mistyped flag", []string{"test", "--strcit", "ok_test.yaml"}, exitBadInput, `^$`, `^rulecheck test: unknown flag --strcit; did you mean --strict\? \(rulecheck test -h lists the flags\)\n$`},
		{"--run matching nothing", []string{"test", "--run", "nomatch", "ok_test.yaml"}, exitOK, `0 test groups`, `--run nomatch matched none of the 1 test groups in 1 files`},
		{"--run matching nothing, strict", []string{"test", "--strict", "--run", "nomatch", "ok_test.yaml"}, exitFailed, ``, `--run nomatch matched none`},
		// promtool matches an unnamed group against the empty name.
		{"--run ^$ runs unnamed groups", []string{"test", "--run", "^$", "unnamed_test.yaml"}, exitFailed, `FAIL  unnamed_test.yaml:3  unnamed#0`, `^$`},
		{"--run unnamed#0 runs nothing", []string{"test", "--run", "^unnamed#0$", "unnamed_test.yaml"}, exitOK, `0 test groups`, `matched none`},
		{"bundle in test", []string{"test", "bundle_test.yaml"}, exitOK, `1 passed`, `^$`},
		{"bundle note under -v", []string{"test", "-v", "bundle_test.yaml"}, exitOK, `NOTE  bundle.yaml:1: skipped a ConfigMap`, `^$`},
		{"empty rule files", []string{"test", "empty_test.yaml"}, exitOK, `1 passed`, `^$`},
		{"github annotations", []string{"test", "--format", "github", "unnamed_test.yaml"}, exitFailed, `(?m)^::error file=unnamed_test.yaml,line=8,title=rulecheck%3A unnamed#0::`, `^$`},
	} {
		for _, wd := range []string{root, sub} {
			t.Run(tc.name+" in "+filepath.Base(wd), func(t *testing.T) {
				args := tc.args
				if wd == sub {
					args = relArgs(args)
				}
				r := runIn(t, wd, args...)
				assert.Equal(t, tc.code, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
				assert.Regexp(t, regexp.MustCompile(relOut(tc.stdout, wd != sub)), r.stdout)
				assert.Regexp(t, regexp.MustCompile(relOut(tc.stderr, wd != sub)), r.stderr)
			})
		}
	}
}

// relArgs rewrites file arguments for a run from sub/.
func relArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if strings.HasSuffix(a, ".yaml") {
			out[i] = "../" + a
		}
	}
	return out
}

// relOut rewrites expected file names for a run from sub/.
func relOut(re string, root bool) string {
	if root {
		return re
	}
	return regexp.MustCompile(`(file=|  |^|NOTE  )([a-z_]+\.yaml)`).ReplaceAllString(re, "${1}../$2")
}

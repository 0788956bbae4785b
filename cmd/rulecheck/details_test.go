package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const longSummary = "Disk usage on the node is high; the filesystem has {{ $value }} bytes free, which is below what the service needs."

// What a failure says: which label or annotation differs (and where a long
// one first differs), the nearest defined alertname, the input and recorded
// series under --debug, and which label a timeline entry got wrong.
func TestFailureDetails(t *testing.T) {
	rules := strings.Replace(freeRules, `"Disk is {{ $value }} free."`, `"`+longSummary+`"`, 1) + `- name: rec
  rules:
  - record: job:free:sum
    expr: sum by (job) (free_bytes)
`
	root := project(t, map[string]string{
		"r.yaml": rules,
		"diff_test.yaml": `rule_files: [r.yaml]
tests:
- name: wrong
  interval: 1m
  input_series:
  - series: free_bytes{job="a"}
    values: 1 2 3
  alert_rule_test:
  - eval_time: 2m
    alertname: HighFree
    exp_alerts:
    - exp_labels: {severity: critical, job: a}
      exp_annotations: {summary: "Disk usage on the node is high; the filesystem has 3.5 bytes free, which is below what the service needs."}
  - eval_time: 2m
    alertname: HighFre
    exp_alerts: []
`,
		"sub/README": "a working directory below the project root\n",
		"timeline_test.yaml": `format: rulecheck/v1
rule_files: [r.yaml]
tests:
- name: wrong label
  interval: 1m
  input_series:
  - series: free_bytes{job="a"}
    values: 1x5
  timeline:
  - alert: HighFree
    labels: {severity: critical, job: a}
    pending: 0s
    firing: 0s
`,
	})
	for _, tc := range []struct {
		name string
		args []string
		want []string // regular expressions, each must match stdout
	}{
		{"diff names the label and marks the long annotation", []string{"test", "--diff", "diff_test.yaml"}, []string{
			`(?m)^ +label severity: "critical" => "warning"$`,
			`(?m)^ +annotation summary: "\.\.\.stem has 3\.5 bytes free, which is below what the service needs\." => "\.\.\.stem has 3 bytes free, which is below what the service needs\."$`,
		}},
		{"alertname suggestion", []string{"test", "-v", "diff_test.yaml"}, []string{
			`diff_test.yaml:14: alertname "HighFre": no alerting rule in the rule files defines it, .*\(did you mean "HighFree"\?\)`,
		}},
		{"debug dumps input and recorded series", []string{"test", "--debug", "diff_test.yaml"}, []string{
			`(?m)^      input series:\n        \{__name__="free_bytes", job="a"\} => 1@0s 2@1m 3@2m$`,
			`(?m)^      recorded series:\n        \{__name__="job:free:sum", job="a"\} => 1@0s 2@1m 3@2m$`,
			`(?m)^      timeline \(\d+ rule group evaluations\):$`,
		}},
		{"timeline names the wrong label and points at the entry", []string{"test", "timeline_test.yaml"}, []string{
			`(?m)^      timeline_test.yaml:10:$`,
			`line 10: expected HighFree\{job="a", severity="critical"\} .*, but it never became active; HighFree\{job="a", severity="warning"\} did, with label severity "warning" \(expected "critical"\)`,
		}},
	} {
		for _, wd := range []string{root, filepath.Join(root, "sub")} {
			t.Run(tc.name+" in "+filepath.Base(wd), func(t *testing.T) {
				args := tc.args
				if wd != root {
					args = relArgs(args)
				}
				r := runIn(t, wd, args...)
				assert.Equal(t, exitFailed, r.code, "%s%s", r.stdout, r.stderr)
				for _, re := range tc.want {
					assert.Regexp(t, regexp.MustCompile(relOut(re, wd == root)), r.stdout)
				}
			})
		}
	}
}

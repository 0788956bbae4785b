package harness_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/routing"
)

const routingRules = `groups:
- name: g
  interval: 1m
  rules:
  - alert: Down
    expr: up == 0
    labels: {severity: critical}
  - alert: Busy
    expr: busy > 0
    labels: {severity: warning}
  - alert: Stray
    expr: stray > 0
`

const routingAM = `route:
  receiver: root
  group_by: [alertname]
  routes:
  - matchers: [severity="critical"]
    receiver: pager
    group_by: [alertname, instance]
  - matchers: [severity="warning"]
    receiver: chat
receivers: [{name: root}, {name: pager}, {name: chat}]
inhibit_rules:
- source_matchers: [alertname="Down"]
  target_matchers: [alertname="Busy"]
  equal: [instance]
`

// routingFixture: Down{instance="a"} fires from 2m, Busy{instance="a"}
// from 0, so Busy is inhibited from 2m; Stray fires from 0 when stray is
// fed. The timeline entries are given per case.
func routingFixture(down, busy string, stray bool) string {
	s := `format: rulecheck/v1
rule_files: [rules.yaml]
alertmanager: am.yaml
tests:
- name: t
  interval: 1m
  duration: 4m
  input_series:
  - series: up{instance="a"}
    values: 1 1 0 0 0
  - series: busy{instance="a"}
    values: 1x4
`
	if stray {
		s += "  - series: stray{instance=\"a\"}\n    values: 1x4\n"
	}
	s += "  timeline:\n  - alert: Down\n    labels: {instance: a, severity: critical}\n    firing: 2m\n" + down +
		"  - alert: Busy\n    labels: {instance: a, severity: warning}\n    firing: 0s\n" + busy
	if stray {
		s += "  - alert: Stray\n    labels: {instance: a}\n    firing: 0s\n"
	}
	return s
}

func writeRouting(t *testing.T, fixture string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"rules.yaml": routingRules, "am.yaml": routingAM, "f.yaml": fixture} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	return filepath.Join(dir, "f.yaml")
}

func TestRoutingAssertions(t *testing.T) {
	for _, tc := range []struct {
		name        string
		down, busy  string
		stray       bool
		strict      bool
		failAt      string // the fixture line the failure is at; "": passes
		failMessage string
		warning     string
	}{
		{name: "receivers, group_by and inhibition as stated",
			down: "    receivers: [pager]\n    group_by: [instance, alertname]\n    inhibited: never\n",
			busy: "    receivers: [chat]\n    group_by: [alertname]\n    inhibited: {from: 2m, by: Down}\n", strict: true},
		{name: "wrong receiver fails at its line",
			down: "    receivers: [chat]\n", busy: "    inhibited: {from: 2m}\n",
			failAt: "    receivers: [chat]", failMessage: "receivers [pager], expected [chat]"},
		{name: "wrong group_by fails at its line",
			down: "    group_by: [alertname]\n", busy: "    inhibited: {from: 2m}\n",
			failAt: "    group_by: [alertname]", failMessage: "grouped by [alertname, instance]"},
		{name: "inhibited: never while inhibited",
			down: "", busy: "    inhibited: never\n",
			failAt: "    inhibited: never", failMessage: "inhibited from 2m by Down{instance=\"a\", severity=\"critical\"}, expected never"},
		{name: "inhibited from the wrong time",
			down: "", busy: "    inhibited: {from: 1m, by: Down}\n",
			failAt: "    inhibited: {from: 1m, by: Down}", failMessage: "expected from 1m by Down"},
		{name: "inhibited by the wrong alert",
			down: "", busy: "    inhibited: {from: 2m, by: Stray}\n",
			failAt: "    inhibited: {from: 2m, by: Stray}", failMessage: "expected by Stray"},
		{name: "strict: an inhibited alert whose entry does not say so",
			down: "", busy: "", strict: true,
			failAt: "  - alert: Busy", failMessage: "strict: Busy{instance=\"a\", severity=\"warning\"} is inhibited from 2m by Down"},
		{name: "not strict: the same is a warning",
			down: "", busy: "", warning: "is inhibited from 2m"},
		{name: "strict: an alert reaching only the root receiver",
			down: "", busy: "    inhibited: {from: 2m}\n", stray: true, strict: true,
			failAt: "  - alert: Stray", failMessage: "reaches only the root (catch-all) receiver \"root\""},
	} {
		for _, noPrune := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				content := routingFixture(tc.down, tc.busy, tc.stray)
				path := writeRouting(t, content)
				fr := harness.NewRunner(harness.Options{Strict: tc.strict, NoPrune: noPrune, NoCatalog: true}).RunFile(path)
				require.NoError(t, fr.Err)
				require.Len(t, fr.Tests, 1)
				res := fr.Tests[0]
				if tc.failAt == "" {
					assert.Empty(t, res.Failures)
				} else {
					require.Len(t, res.Failures, 1, "%v", res.Failures)
					assert.Equal(t, lineOf(content, tc.failAt), res.Failures[0].Line)
					assert.Contains(t, res.Failures[0].Message, tc.failMessage)
				}
				if tc.warning != "" {
					assert.Contains(t, strings.Join(res.Warnings, "\n"), tc.warning)
				}
			})
		}
	}
}

func TestRoutingBadInput(t *testing.T) {
	t.Run("a configuration Alertmanager rejects is bad input at its line", func(t *testing.T) {
		path := writeRouting(t, routingFixture("", "", false))
		require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(path), "am.yaml"), []byte("route:\n  receiver: nobody\nreceivers: [{name: root}]\n"), 0o644))
		fr := harness.NewRunner(harness.Options{NoCatalog: true}).RunFile(path)
		var e *routing.Error
		require.ErrorAs(t, fr.Err, &e)
		assert.Equal(t, routing.ErrConfig, e.Kind)
		assert.Equal(t, 2, e.Line)
	})
	for _, tc := range []struct{ name, content, msg string }{
		{"routing fields need an alertmanager", strings.Replace(routingFixture("    receivers: [pager]\n", "", false), "alertmanager: am.yaml\n", "", 1),
			"f.yaml:13: test \"t\": timeline: alert Down: receivers, group_by and inhibited need an Alertmanager configuration"},
		{"alertmanager is a rulecheck extension", "rule_files: [rules.yaml]\nalertmanager: am.yaml\ntests: []\n",
			"f.yaml:2: alertmanager is a rulecheck extension"},
		{"inhibited needs from", routingFixture("", "    inhibited: {by: Down}\n", false), "inhibited: give from"},
		{"inhibited: a word other than never", routingFixture("", "    inhibited: always\n", false), "write never"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fr := harness.NewRunner(harness.Options{NoCatalog: true}).RunFile(writeRouting(t, tc.content))
			require.Error(t, fr.Err)
			assert.Contains(t, fr.Err.Error(), tc.msg)
		})
	}
}

func lineOf(content, line string) int {
	for i, l := range strings.Split(content, "\n") {
		if l == line {
			return i + 1
		}
	}
	return -1
}

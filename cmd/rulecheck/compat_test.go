//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// twoGroupsSameName has two test groups named "g": the first passes, the
// second fails (it expects the alert for the wrong instance).
const twoGroupsSameName = `rule_files: [rules.yaml]
tests:
  - name: g
    interval: 1m
    input_series:
      - {series: 'up{instance="a"}', values: "1 1 0 0 0"}
    alert_rule_test:
      - {eval_time: 4m, alertname: InstanceDown, exp_alerts: [{exp_labels: {instance: a}}]}
  - name: g
    interval: 1m
    input_series:
      - {series: 'up{instance="a"}', values: "1 1 0 0 0"}
    alert_rule_test:
      - {eval_time: 4m, alertname: InstanceDown, exp_alerts: [{exp_labels: {instance: b}}]}
`

// fakePromtool writes a script that answers "test rules --junit=FILE X" by
// writing report into FILE (when not empty), printing stderrText and
// exiting with code.
func fakePromtool(t *testing.T, report, stderrText string, code int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "promtool")
	script := "#!/bin/sh\nfor a; do case $a in --junit=*) out=${a#--junit=};; esac; done\n" +
		"cat > \"$out\" <<'XML'\n" + report + "XML\n" +
		"printf '%s' '" + stderrText + "' >&2\nexit " + string(rune('0'+code)) + "\n"
	require.NoError(t, os.WriteFile(p, []byte(script), 0o755))
	return p
}

func junitOf(cases ...string) string {
	var b strings.Builder
	b.WriteString(`<testsuites><testsuite name="test.yaml">`)
	for _, c := range cases {
		name, verdict, _ := strings.Cut(c, "=")
		b.WriteString(`<testcase name="` + name + `">`)
		if verdict == "fail" {
			b.WriteString(`<failure>x</failure>`)
		}
		b.WriteString(`</testcase>`)
	}
	b.WriteString("</testsuite></testsuites>\n")
	return b.String()
}

// TestCompatPerTestcaseInOrder: test groups sharing a name are compared
// each with its counterpart in report order; a disagreement never exits 0.
func TestCompatPerTestcaseInOrder(t *testing.T) {
	dir, _ := writeSuite(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "test.yaml"), []byte(twoGroupsSameName), 0o644))
	for _, c := range []struct {
		name   string
		report string
		code   int
		exit   int
		want   string
	}{
		{"agree", junitOf("g=pass", "g=fail"), 1, exitOK, "1 files compared, 0 disagree"},
		{"same names, swapped verdicts", junitOf("g=fail", "g=pass"), 1, exitFailed, `testcase 1: promtool "g" fail, rulecheck "g" pass`},
		{"a testcase missing", junitOf("g=pass"), 1, exitFailed, `testcase 2: promtool (no such testcase), rulecheck "g" fail`},
		{"file verdict differs", junitOf("g=pass", "g=fail"), 0, exitFailed, "file: promtool ok=true, rulecheck ok=false"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runArgs("compat", "--promtool", fakePromtool(t, c.report, "", c.code), dir)
			assert.Equal(t, c.exit, code, stdout+stderr)
			assert.Contains(t, stdout, c.want)
		})
	}
}

// TestCompatNoReport: a promtool that writes no report gives one clear line.
func TestCompatNoReport(t *testing.T) {
	dir, _ := writeSuite(t)
	pt := fakePromtool(t, "", "promtool: error: unknown long flag --junit\n", 1)
	code, _, stderr := runArgs("compat", "--promtool", pt, dir)
	assert.Equal(t, exitBadInput, code)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.Contains(t, stderr, "promtool wrote no JUnit report (exit status 1; its last words: promtool: error: unknown long flag --junit)")
}

// TestCompatRefusesSpecialFiles: a test file that is a device is refused
// before promtool runs (promtool would read it whole).
func TestCompatRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero_test.yaml")
	require.NoError(t, os.Symlink("/dev/zero", zero))
	pt := fakePromtool(t, "", "", 0)
	code, _, stderr := runArgs("compat", "--promtool", pt, zero)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, stderr, "is a character device, expected a regular file")
}

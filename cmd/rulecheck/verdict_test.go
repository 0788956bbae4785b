package main

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// recordingT is a TestingT that records what RequirePass reports.
type recordingT struct {
	failed bool
	logs   []string
}

func (r *recordingT) Helper() {}
func (r *recordingT) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recordingT) Errorf(format string, args ...any) {
	r.failed = true
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recordingT) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *recordingT) Run(_ string, f func(*recordingT)) bool {
	f(r)
	return !r.failed
}

// The same file gets one verdict from the command, from RunFile with
// RequirePass, and (for what a Case can say) from RunCase.
func TestOneVerdictFromEveryEntryPoint(t *testing.T) {
	root := project(t, map[string]string{
		"r.yaml": freeRules,
		"native_missing.yaml": `format: rulecheck/v1
rule_files: [nothere.yaml]
tests:
- name: t
  interval: 1m
  input_series: []
  timeline: []
`,
		"promtool_missing.yaml": `rule_files: [nothere.yaml]
tests:
- interval: 1m
  input_series: []
`,
	})
	for _, tc := range []struct {
		file   string
		code   int
		stdout string
		stderr string
	}{
		// The rulecheck format has no promtool verdict to keep: exit 2 at
		// the pattern's line.
		{"native_missing.yaml", exitBadInput, "native_missing.yaml:2: rule_files pattern \"nothere.yaml\" matches no file", ""},
		// promtool passes it; the warning shows without -v.
		{"promtool_missing.yaml", exitOK, "1 passed", "WARN  promtool_missing.yaml:1: rule_files pattern \"nothere.yaml\" matches no file"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			r := runIn(t, root, "test", tc.file)
			assert.Equal(t, tc.code, r.code, "%s%s", r.stdout, r.stderr)
			assert.Contains(t, r.stdout, tc.stdout)
			assert.Contains(t, r.stderr, tc.stderr)
			abs := filepath.Join(root, tc.file)
			r = runIn(t, "/", "test", abs)
			assert.Equal(t, tc.code, r.code, "%s%s", r.stdout, r.stderr)

			fr := harness.NewRunner(harness.Options{}).RunFile(abs)
			ok, _ := harness.Verdicts(fr)
			assert.Equal(t, tc.code == exitOK, ok, "RunFile")
			rt := &recordingT{}
			harness.RequirePass(rt, fr)
			assert.Equal(t, tc.code != exitOK, rt.failed, "RequirePass: %v", rt.logs)
		})
	}
	t.Run("RunCase", func(t *testing.T) {
		t.Chdir(root)
		fr := harness.NewRunner(harness.Options{}).RunCase(harness.Case{RuleFiles: []string{"nothere.yaml"}, Timeline: []harness.TimelineEntry{}})
		require.Error(t, fr.Err)
		assert.Contains(t, fr.Err.Error(), `rule file pattern "nothere.yaml" matches no file`)
		rt := &recordingT{}
		harness.RequirePass(rt, fr)
		assert.True(t, rt.failed)
	})
}

package harness_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/codevaldcortex/rulecheck/harness"
)

// TestShortcutsKeepPromtoolVerdicts runs test files on which pruning and
// the annotation shortcut once changed the verdict, with the shortcuts on
// and off. Each must give the verdict promtool 3.16.0 gives (recorded
// here; for rulecheck/v1 files, promtool's verdict on the same file
// without the format line).
func TestShortcutsKeepPromtoolVerdicts(t *testing.T) {
	for _, tc := range []struct {
		file string
		pass bool
		why  string
	}{
		{"duplicate-recording.yaml", false, "rule: job:x:sum, time: 0s, err: duplicate sample for timestamp"},
		{"rule-writes-input.yaml", false, "rule: x, time: 0s, err: duplicate sample for timestamp"},
		{"count-values-bad-label.yaml", false, `rule: m:count, time: 0s, err: invalid label name ""`},
		{"anchored-without-flag.yaml", false, "anchored modifier can only be used with: changes, delta, increase, rate, resets - not with max_over_time"},
		{"topk-nan-parameter.yaml", false, "rule: x:top, time: 0s, err: Parameter value is NaN"},
		{"histogram-sample-limit.yaml", false, "rule: h:count, time: 19m0s, err: query processing would load too many samples into memory"},
		{"keep-firing-annotations.yaml", true, "held by keep_firing_for with the 2m evaluation's annotations"},
		{"all-pruned-v1.yaml", true, "the PromQL test sees the input series"},
		{"no-rules-v1.yaml", true, "the PromQL test sees the input series"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "unsound", tc.file)
			for _, noPrune := range []bool{false, true} {
				fr := harness.NewRunner(harness.Options{NoPrune: noPrune, NoCatalog: true}).RunFile(path)
				ok, _ := harness.Verdicts(fr)
				assert.Equal(t, tc.pass, ok, "NoPrune=%v: promtool: %s\n%s", noPrune, tc.why, harness.FormatResult(fr))
			}
		})
	}
}

package report_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/report"
)

// TestJUnitRoundTrip reads back what WriteJUnit writes: a passing case, a
// failing one, and a file that could not run (an errored "unknown" case, as
// promtool writes it).
func TestJUnitRoundTrip(t *testing.T) {
	results := []*harness.FileResult{
		{Path: "a.yml", Tests: []*harness.TestResult{
			{Name: "ok"},
			{Name: "bad", Failures: []harness.Failure{harness.FailureAt("", 3, "exp 1 got 2")}},
			{Name: "skipped", Skipped: true},
		}},
		{Path: "b.yml", Err: errors.New("b.yml:1: malformed")},
	}
	var buf bytes.Buffer
	require.NoError(t, report.WriteJUnit(&buf, results))
	suites, err := report.ReadJUnit(buf.Bytes())
	require.NoError(t, err)
	assert.Equal(t, []report.SuiteVerdicts{
		{Name: "a.yml", Cases: map[string]string{"ok": "pass", "bad": "fail"}, Order: []report.CaseVerdict{{"ok", "pass"}, {"bad", "fail"}}},
		{Name: "b.yml", Cases: map[string]string{"unknown": "fail"}, Order: []report.CaseVerdict{{"unknown", "fail"}}},
	}, suites)
	_, err = report.ReadJUnit([]byte("<testsuites><testsuite"))
	require.Error(t, err)
}

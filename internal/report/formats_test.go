package report_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func dur(s string) *time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return &d
}

// sampleResults are a failing timeline test, a passing and a skipped test
// group, and a file that could not run.
func sampleResults() []*harness.FileResult {
	started := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return []*harness.FileResult{
		{Path: "tests/a.yaml", Warnings: []string{"tests/a.yaml:2: something promtool lets pass"}, Notes: []string{"rules.yaml:1: skipped a ConfigMap"}, Tests: []*harness.TestResult{
			{Name: "wrong label", Line: 4, Started: started, Duration: 1500 * time.Millisecond,
				Failures: []harness.Failure{harness.FailureAt("", 10, "timeline differs")},
				Timeline: []harness.Episode{{Alert: "HighFree", Labels: labels.FromStrings("severity", "warning"), Pending: 0, Firing: dur("1m")}},
				Expected: []harness.Episode{{Alert: "HighFree", Labels: labels.FromStrings("severity", "critical"), Pending: 0, Firing: dur("1m"), Resolved: dur("5m")}},
			},
			{Name: "ok", Line: 20, Started: started.Add(time.Second), Duration: 250 * time.Millisecond},
			{Name: "other", Line: 30, Skipped: true},
		}},
		{Path: "tests/b.yaml", Err: errors.New("tests/b.yaml:1: malformed")},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./internal/report -update")
	assert.Equal(t, string(want), string(got), "%s is out of date: run go test ./internal/report -update", path)
}

// JSON gives timelines as objects (expected and actual), counts per file
// and in total, and each failure's file and line.
func TestJSONReport(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, report.WriteJSON(&buf, sampleResults()))
	golden(t, "report.json", buf.Bytes())
}

// GitHub annotations at the fixture's file and line.
func TestGitHubReport(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, report.WriteGitHub(&buf, sampleResults()))
	golden(t, "report.github.txt", buf.Bytes())
}

// JUnit keeps promtool's testcase names and adds time and timestamp.
func TestJUnitTimes(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, report.WriteJUnit(&buf, sampleResults()))
	var doc struct {
		Suites []struct {
			Name      string `xml:"name,attr"`
			Timestamp string `xml:"timestamp,attr"`
			Time      string `xml:"time,attr"`
			Cases     []struct {
				Name string `xml:"name,attr"`
				Time string `xml:"time,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	require.Len(t, doc.Suites, 2)
	a := doc.Suites[0]
	assert.Equal(t, "2026-01-02T03:04:05", a.Timestamp)
	assert.Equal(t, "1.750", a.Time)
	require.Len(t, a.Cases, 2)
	assert.Equal(t, "wrong label", a.Cases[0].Name)
	assert.Equal(t, "1.500", a.Cases[0].Time)
	assert.Equal(t, "0.250", a.Cases[1].Time)
	assert.Equal(t, "unknown", doc.Suites[1].Cases[0].Name)
}

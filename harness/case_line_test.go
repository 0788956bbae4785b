package harness_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// logT records what RequirePass reports.
type logT struct{ errs []string }

func (l *logT) Helper()             {}
func (l *logT) Logf(string, ...any) {}
func (l *logT) Errorf(format string, args ...any) {
	l.errs = append(l.errs, fmt.Sprintf(format, args...))
}
func (l *logT) Fatalf(format string, args ...any) { l.Errorf(format, args...) }
func (l *logT) Run(_ string, f func(*logT)) bool  { f(l); return len(l.errs) == 0 }

// A RunCase timeline failure points at the wrong entry's line in the Go
// file, and RequirePass names the file once.
func TestRunCaseFailurePointsAtTheEntry(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yaml")
	require.NoError(t, os.WriteFile(rules, []byte(twoGroups), 0o644))
	labels := map[string]string{"job": "x"}
	_, file, _, _ := runtime.Caller(0)
	res := harness.NewRunner(harness.Options{}).RunCase(harness.Case{
		RuleFiles: []string{rules},
		Interval:  10 * time.Second,
		Series:    []harness.InputSeries{{Series: `up{job="x"}`, Values: "1x6 0x60"}},
		Timeline: []harness.TimelineEntry{
			{Alert: "FastDown", Labels: labels, Pending: harness.At("1m30s"), Firing: harness.At("2m30s")},
			{Alert: "SlowDown", Labels: labels, Pending: harness.At("2m"), Firing: harness.At("9m")}, // wrong
		},
	})
	_, _, wrongLine, _ := runtime.Caller(0)
	wrongLine -= 3 // the SlowDown entry, three lines above
	require.Len(t, res.Tests, 1)
	require.NotEmpty(t, res.Tests[0].Failures)
	assert.Equal(t, wrongLine, res.Tests[0].Failures[0].Line)
	lt := &logT{}
	harness.RequirePass(lt, res)
	require.Len(t, lt.errs, 1)
	assert.True(t, strings.HasPrefix(lt.errs[0], fmt.Sprintf("%s:%d: ", file, wrongLine)), lt.errs[0])
	assert.Equal(t, 1, strings.Count(lt.errs[0], file), lt.errs[0])
}

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/browsertest"
)

// backtestPageFacts are what the backtest report shows, read in the
// browser.
type backtestPageFacts struct {
	Alerts            []string
	ChartsPerAlert    []int
	FiringRects       int
	SummaryRows       int
	FirstChartVisible bool
	ChartWidth        float64
	External          bool
}

const readBacktestFacts = `(() => {
  const sections = [...document.querySelectorAll('section.alert')];
  const chart = document.querySelector('section.alert svg.chart');
  const r = chart ? chart.getBoundingClientRect() : null;
  return {
    Alerts: sections.map(s => s.querySelector('h2').textContent),
    ChartsPerAlert: sections.map(s => s.querySelectorAll('svg.chart').length),
    FiringRects: document.querySelectorAll('svg.chart rect.st.firing').length,
    SummaryRows: document.querySelectorAll('table.summary tr').length - 1,
    FirstChartVisible: !!r && r.width > 0 && r.height > 0,
    ChartWidth: r ? r.width : 0,
    External: !!document.querySelector('script,link,img,iframe,object,embed'),
  };
})()`

// TestBacktestHTMLInChromium opens the golden run's HTML report in
// headless Chromium: no console errors or network requests, one section
// and one chart per alert in the report's order, firing episodes drawn;
// the screenshot is written under the test's temp dir (and to
// $RULECHECK_BACKTEST_SCREENSHOT when set).
func TestBacktestHTMLInChromium(t *testing.T) {
	exe := browsertest.Chromium(t)
	page := filepath.Join(t.TempDir(), "backtest.html")
	code, _, errOut := runCLI(append(htmlArgs("html", "--tsdb", demoTSDB(t)), "--report", page)...)
	require.Equal(t, exitOK, code, errOut)

	facts, shot, seen := browsertest.Open[backtestPageFacts](t, exe, page, readBacktestFacts)
	assert.Empty(t, seen.Problems, "console errors")
	assert.Empty(t, seen.Requests, "network requests")
	assert.False(t, facts.External)
	assert.Equal(t, []string{"AgentDown", "WorkflowExecutionFailed", "AgentDownQuickly"}, facts.Alerts)
	assert.Equal(t, []int{1, 1, 1}, facts.ChartsPerAlert)
	assert.Equal(t, 3, facts.SummaryRows)
	assert.GreaterOrEqual(t, facts.FiringRects, 5, "before and after of AgentDown and WorkflowExecutionFailed, after of AgentDownQuickly")
	assert.True(t, facts.FirstChartVisible)
	assert.Greater(t, facts.ChartWidth, 500.0)
	require.NotEmpty(t, shot)
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(page), "backtest.png"), shot, 0o644))
	if p := os.Getenv("RULECHECK_BACKTEST_SCREENSHOT"); p != "" {
		require.NoError(t, os.WriteFile(p, shot, 0o644))
	}
	t.Logf("screenshot: %d bytes, %d firing rectangles", len(shot), facts.FiringRects)
}

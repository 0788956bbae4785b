package htmlreport_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/browsertest"
)

// pageFacts are what the page shows, read in the browser.
type pageFacts struct {
	Groups, Charts      int
	FirstFailed         bool
	FirstVisible        bool
	FirstTitle          string
	ChartsPerGroup      []int
	HasCoverageSection  bool
	ExternalResourceRef bool
}

const readFacts = `(() => {
  const groups = [...document.querySelectorAll('section.group')];
  const first = groups[0];
  const r = first ? first.getBoundingClientRect() : null;
  return {
    Groups: groups.length,
    Charts: document.querySelectorAll('section.group svg.chart').length,
    FirstFailed: !!first && first.classList.contains('failed'),
    FirstVisible: !!r && r.top < window.innerHeight && r.bottom > 0 && r.width > 0,
    FirstTitle: first ? first.querySelector('h2').textContent : '',
    ChartsPerGroup: groups.map(g => g.querySelectorAll('svg.chart').length),
    HasCoverageSection: !!document.getElementById('coverage'),
    ExternalResourceRef: !!document.querySelector('script,link,img,iframe,object,embed'),
  };
})()`

// TestReportInChromium opens the report of this repository's fixtures, one
// of them broken on purpose, in headless Chromium: no console errors, no
// network requests, the failing group first and visible, a chart in every
// group; a screenshot is written under the test's temp dir (and to
// $RULECHECK_SCREENSHOT when set, for the docs).
func TestReportInChromium(t *testing.T) {
	exe := browsertest.Chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(page, fixturesReport(t), 0o644))

	facts, shot, seen := browsertest.Open[pageFacts](t, exe, page, readFacts)
	assert.Empty(t, seen.Problems, "console errors")
	assert.Empty(t, seen.Requests, "network requests")
	assert.False(t, facts.ExternalResourceRef)
	assert.Greater(t, facts.Groups, 10)
	assert.Equal(t, facts.Groups, facts.Charts, "every group has its chart")
	for i, n := range facts.ChartsPerGroup {
		assert.Equal(t, 1, n, "group %d", i)
	}
	assert.True(t, facts.FirstFailed, "failing group first")
	assert.True(t, facts.FirstVisible, "failing group visible")
	assert.True(t, strings.Contains(facts.FirstTitle, "AgentDown fires 1m after"), facts.FirstTitle)
	assert.True(t, facts.HasCoverageSection)
	require.NotEmpty(t, shot)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "report.png"), shot, 0o644))
	if p := os.Getenv("RULECHECK_SCREENSHOT"); p != "" {
		require.NoError(t, os.WriteFile(p, shot, 0o644))
	}
	t.Logf("screenshot: %s (%d bytes), %d test groups", filepath.Join(dir, "report.png"), len(shot), facts.Groups)
}

// TestGivenReportInChromium opens the report named by
// $RULECHECK_HTML_PAGE (skipped when unset), such as the report of a large
// suite, and checks it loads cleanly with a chart per group.
func TestGivenReportInChromium(t *testing.T) {
	page := os.Getenv("RULECHECK_HTML_PAGE")
	if page == "" {
		t.Skip("RULECHECK_HTML_PAGE names no report to open")
	}
	exe := browsertest.Chromium(t)
	page, err := filepath.Abs(page)
	require.NoError(t, err)
	facts, shot, seen := browsertest.Open[pageFacts](t, exe, page, readFacts)
	assert.Empty(t, seen.Problems, "console errors")
	assert.Empty(t, seen.Requests, "network requests")
	assert.Equal(t, facts.Groups, facts.Charts, "every group has its chart")
	if p := os.Getenv("RULECHECK_SCREENSHOT"); p != "" {
		require.NoError(t, os.WriteFile(p, shot, 0o644))
	}
	t.Logf("%s: %d test groups, %d charts, first failed: %v", page, facts.Groups, facts.Charts, facts.FirstFailed)
}

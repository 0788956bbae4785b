package htmlreport_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium finds a Chromium to drive: outside CI the test skips without
// one, in CI (CI=true) it must be installed.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium installed; CI must install it (apt-get install -y chromium)")
	}
	t.Skip("no chromium installed: the browser test of the HTML report is skipped (apt-get install -y chromium)")
	return ""
}

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
	exe := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(page, fixturesReport(t), 0o644))

	facts, shot, problems, requests := openInChromium(t, exe, page)
	assert.Empty(t, problems, "console errors")
	assert.Empty(t, requests, "network requests")
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

// openInChromium loads a page in a fresh headless Chromium and returns what
// it shows, a screenshot, and the console errors and network requests seen.
func openInChromium(t *testing.T, exe, page string) (pageFacts, []byte, []string, []string) {
	t.Helper()
	dir := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(filepath.Join(dir, "profile")), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	var mu sync.Mutex
	var problems, requests []string
	pageURL := "file://" + page
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, "console "+string(e.Type))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				problems = append(problems, "log: "+e.Entry.Text)
			}
		case *network.EventRequestWillBeSent:
			if e.Request.URL != pageURL {
				requests = append(requests, e.Request.URL)
			}
		}
	}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(pageURL), chromedp.WaitReady(chromedp.CSS("body"))))
	facts, err := chromedp.Run(ctx, chromedp.Evaluate[pageFacts](readFacts))
	require.NoError(t, err)
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	return facts, shot, slices.Clone(problems), slices.Clone(requests)
}

// TestGivenReportInChromium opens the report named by
// $RULECHECK_HTML_PAGE (skipped when unset), such as the report of a large
// suite, and checks it loads cleanly with a chart per group.
func TestGivenReportInChromium(t *testing.T) {
	page := os.Getenv("RULECHECK_HTML_PAGE")
	if page == "" {
		t.Skip("RULECHECK_HTML_PAGE names no report to open")
	}
	exe := chromium(t)
	page, err := filepath.Abs(page)
	require.NoError(t, err)
	facts, shot, problems, requests := openInChromium(t, exe, page)
	assert.Empty(t, problems, "console errors")
	assert.Empty(t, requests, "network requests")
	assert.Equal(t, facts.Groups, facts.Charts, "every group has its chart")
	if p := os.Getenv("RULECHECK_SCREENSHOT"); p != "" {
		require.NoError(t, os.WriteFile(p, shot, 0o644))
	}
	t.Logf("%s: %d test groups, %d charts, first failed: %v", page, facts.Groups, facts.Charts, facts.FirstFailed)
}

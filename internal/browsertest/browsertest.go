// Package browsertest opens the HTML pages rulecheck writes in a headless
// Chromium, for tests: what the page shows, a screenshot, and the console
// errors and network requests seen while loading it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// Chromium finds a Chromium to drive: outside CI the test skips without
// one, in CI (CI=true) it must be installed.
func Chromium(t testing.TB) string {
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

// Seen is what went wrong or out while a page loaded.
type Seen struct {
	// Problems are console errors and warnings, exceptions and log
	// errors; Requests the URLs requested other than the page's.
	Problems, Requests []string
}

// Open loads the page file in a fresh headless Chromium (exe), evaluates
// js there into facts, and takes a screenshot.
func Open[T any](t testing.TB, exe, page, js string) (facts T, shot []byte, seen Seen) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	var mu sync.Mutex
	pageURL := "file://" + page
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		seen.record(ev, pageURL)
	}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(pageURL), chromedp.WaitReady(chromedp.CSS("body"))))
	facts, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	require.NoError(t, err)
	shot, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	return facts, shot, Seen{Problems: slices.Clone(seen.Problems), Requests: slices.Clone(seen.Requests)}
}

func (s *Seen) record(ev any, pageURL string) {
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
			s.Problems = append(s.Problems, "console "+string(e.Type))
		}
	case *runtime.EventExceptionThrown:
		s.Problems = append(s.Problems, "exception: "+e.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			s.Problems = append(s.Problems, "log: "+e.Entry.Text)
		}
	case *network.EventRequestWillBeSent:
		if e.Request.URL != pageURL {
			s.Requests = append(s.Requests, e.Request.URL)
		}
	}
}

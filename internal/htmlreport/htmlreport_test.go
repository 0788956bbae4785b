package htmlreport_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/coverage"
	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/chart"
	"github.com/codevaldcortex/rulecheck/internal/htmlreport"
)

// fixturesReport runs every fixture of the repository, with the first
// AgentDown firing time moved one evaluation later on purpose, and
// writes the HTML report with coverage.
func fixturesReport(t *testing.T) []byte {
	t.Helper()
	paths, err := filepath.Glob("../../fixtures/*.yaml")
	require.NoError(t, err)
	r := harness.NewRunner(harness.Options{RecordOutputs: true})
	var results []*harness.FileResult
	for _, p := range paths {
		f, err := fixture.Load(p)
		require.NoError(t, err)
		if strings.HasSuffix(p, "agent-down.yaml") {
			te := &f.Tests[0].Timeline[0]
			later := *te.Firing + 30*time.Second
			te.Firing = &later
		}
		fr := r.RunFixture(f)
		for _, tr := range fr.Tests {
			// Wall times vary; the page (and the docs' screenshot) should not.
			tr.Duration = 0
		}
		results = append(results, fr)
	}
	rep, err := coverage.Compute(results, coverage.Options{})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, htmlreport.Write(&b, htmlreport.Run{Results: results, Duration: time.Second, Charts: &chart.Builder{}, Coverage: rep}))
	return b.Bytes()
}

func TestReportIsSelfContained(t *testing.T) {
	page := string(fixturesReport(t))
	// Nothing to fetch: no script, stylesheet, image, font or frame.
	for _, banned := range []string{"<script", "<link", "<img", "<iframe", "@import", "url(", " src=", `href="http`} {
		assert.False(t, strings.Contains(page, banned), banned)
	}
	first := strings.Index(page, `<section class="group`)
	require.GreaterOrEqual(t, first, 0)
	assert.True(t, strings.HasPrefix(page[first:], `<section class="group failed"`))
	assert.Contains(t, page, "first differs at 2m30s")
	assert.Contains(t, page, `id="coverage"`)
	assert.Less(t, len(page), 5<<20)
	if os.Getenv("RULECHECK_HTML") != "" {
		require.NoError(t, os.WriteFile(os.Getenv("RULECHECK_HTML"), []byte(page), 0o644))
	}
}

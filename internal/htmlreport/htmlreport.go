// Package htmlreport writes a test run as one self-contained HTML page:
// a summary, every test group (failing ones first) with its chart as
// inline SVG, and the rule coverage when it was computed in the same run.
// The page fetches nothing and runs no script; hovering a chart's parts
// shows their exact values and states through SVG titles.
package htmlreport

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/codevaldcortex/rulecheck/coverage"
	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/chart"
	"github.com/codevaldcortex/rulecheck/internal/htmlpage"
)

// Run is what the report shows.
type Run struct {
	Results  []*harness.FileResult
	Duration time.Duration
	// Charts makes the charts.
	Charts *chart.Builder
	// Coverage is the run's rule coverage, nil when not computed.
	Coverage *coverage.Report
}

type group struct {
	file string
	tr   *harness.TestResult
}

// Write writes the report.
func Write(w io.Writer, run Run) error {
	ew := htmlpage.NewWriter(w)
	groups, files, skipped := collect(run.Results)
	failed := 0
	for _, g := range groups {
		if g.tr.Failed() {
			failed++
		}
	}
	ew.Head(fmt.Sprintf("rulecheck: %d of %d test groups failed", failed, len(groups)), css)
	ew.Printf("<header><h1>rulecheck test report</h1>\n<table class=\"summary\"><tr><th>files</th><th>test groups</th><th>passed</th><th>failed</th><th>skipped</th><th>duration</th></tr>\n")
	ew.Printf("<tr><td>%d</td><td>%d</td><td>%d</td><td class=\"%s\">%d</td><td>%d</td><td>%s</td></tr></table>\n", len(run.Results), len(groups), len(groups)-failed, cls(failed > 0, "bad"), failed, skipped, run.Duration.Round(time.Millisecond))
	if run.Coverage != nil {
		ew.Printf("<p><a href=\"#coverage\">Rule coverage</a>: %.1f%%</p>\n", run.Coverage.Total().Percent())
	}
	ew.Printf("%s</header>\n<main>\n", legend)
	fileErrors(ew, run.Results)
	for i, g := range groups {
		writeGroup(ew, run.Charts, i, g)
	}
	if run.Coverage != nil {
		writeCoverage(ew, run.Coverage)
	}
	ew.Printf("</main>\n</body>\n</html>\n")
	_ = files
	return ew.Err()
}

// collect lists the test groups that ran, failing ones first, each part
// in file order.
func collect(results []*harness.FileResult) (groups []group, files, skipped int) {
	for _, fr := range results {
		files++
		for _, tr := range fr.Tests {
			if tr.Skipped {
				skipped++
				continue
			}
			groups = append(groups, group{file: fr.Path, tr: tr})
		}
	}
	slices.SortStableFunc(groups, func(a, b group) int {
		return boolInt(b.tr.Failed()) - boolInt(a.tr.Failed())
	})
	return groups, files, skipped
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cls(on bool, name string) string {
	if on {
		return name
	}
	return ""
}

func fileErrors(ew *htmlpage.Writer, results []*harness.FileResult) {
	for _, fr := range results {
		if fr.Err != nil {
			ew.Printf("<section class=\"group failed\"><h2>%s</h2><pre>%s</pre></section>\n", htmlpage.Esc(fr.Path), htmlpage.Esc(fr.Err.Error()))
		}
	}
}

func writeGroup(ew *htmlpage.Writer, b *chart.Builder, i int, g group) {
	verdict := "passed"
	if g.tr.Failed() {
		verdict = "failed"
	}
	ew.Printf("<section class=\"group %s\" id=\"group-%d\">\n<h2><span class=\"verdict\">%s</span> %s</h2>\n<p class=\"pos\">%s:%d &middot; %s</p>\n",
		verdict, i, strings.ToUpper(verdict), htmlpage.Esc(g.tr.Name), htmlpage.Esc(g.file), g.tr.Line, g.tr.Duration.Round(time.Microsecond))
	for _, f := range g.tr.Failures {
		ew.Printf("<pre class=\"failure\">%s:%d: %s</pre>\n", htmlpage.Esc(g.file), f.Line, htmlpage.Esc(f.Message))
	}
	c := b.Build(g.file, g.tr)
	if c == nil {
		ew.Printf("<p class=\"nochart\">No chart: the test group did not run to the end.</p>\n")
	} else {
		ew.Printf("<figure>\n")
		ew.Chart(c)
		ew.Printf("</figure>\n")
	}
	ew.Printf("</section>\n")
}

func writeCoverage(ew *htmlpage.Writer, rep *coverage.Report) {
	t := rep.Total()
	ew.Printf("<section id=\"coverage\" class=\"coverage\">\n<h2>Rule coverage: %.1f%% (%d of %d rules)</h2>\n", t.Percent(), t.Covered, t.Rules)
	ew.Printf("<table><tr><th>rule file</th><th>rules</th><th>covered</th><th>%%</th></tr>\n")
	for _, s := range rep.ByFile() {
		ew.Printf("<tr><td>%s</td><td>%d</td><td>%d</td><td>%.1f</td></tr>\n", htmlpage.Esc(s.File), s.Rules, s.Covered, s.Percent())
	}
	ew.Printf("</table>\n<table><tr><th>where</th><th>rule</th><th>covered</th><th>missing</th></tr>\n")
	for _, r := range rep.Rules {
		ew.Printf("<tr class=\"%s\"><td>%s:%d</td><td>%s %s</td><td>%s</td><td>%s</td></tr>\n",
			cls(!r.Covered(), "uncovered"), htmlpage.Esc(r.File), r.Line, r.Kind, htmlpage.Esc(r.Name), yesNo(r.Covered()), htmlpage.Esc(r.Missing()))
	}
	ew.Printf("</table>\n</section>\n")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

const legend = `<p class="legend">States: <svg width="14" height="10"><rect class="st pending" width="14" height="10"/></svg> pending
<svg width="14" height="10"><rect class="st firing" width="14" height="10"/></svg> firing
<svg width="14" height="10"><rect class="st inactive" width="14" height="10"/></svg> inactive
<svg width="14" height="10"><rect class="st not-firing" width="14" height="10"/></svg> not firing (promtool eval_time);
dashed line: threshold; red line: first instant actual differs from expected; triangles: eval_time. Hover for values.</p>
`

// css styles what the test report adds to every page's styles.
const css = `
td.bad{color:#b00;font-weight:bold}
section.group{border:1px solid #ccc;border-left:6px solid #2a7;margin:1em 0;padding:.5em 1em}
section.failed{border-left-color:#c00}
section.failed .verdict{color:#c00} section.passed .verdict{color:#2a7}
.pos{color:#555;margin:0;font-family:monospace}
pre.failure{background:#fff3f3;padding:.4em;white-space:pre-wrap;max-height:20em;overflow:auto}
tr.uncovered td{background:#fff3f3}`

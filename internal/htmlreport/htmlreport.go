// Package htmlreport writes a test run as one self-contained HTML page:
// a summary, every test group (failing ones first) with its chart as
// inline SVG, and the rule coverage when it was computed in the same run.
// The page fetches nothing and runs no script; hovering a chart's parts
// shows their exact values and states through SVG titles.
package htmlreport

import (
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/codevaldcortex/rulecheck/coverage"
	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/chart"
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
	ew := &errWriter{w: w}
	groups, files, skipped := collect(run.Results)
	failed := 0
	for _, g := range groups {
		if g.tr.Failed() {
			failed++
		}
	}
	ew.printf("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>rulecheck: %d of %d test groups failed</title>\n<style>%s</style>\n</head>\n<body>\n", failed, len(groups), css)
	ew.printf("<header><h1>rulecheck test report</h1>\n<table class=\"summary\"><tr><th>files</th><th>test groups</th><th>passed</th><th>failed</th><th>skipped</th><th>duration</th></tr>\n")
	ew.printf("<tr><td>%d</td><td>%d</td><td>%d</td><td class=\"%s\">%d</td><td>%d</td><td>%s</td></tr></table>\n", len(run.Results), len(groups), len(groups)-failed, cls(failed > 0, "bad"), failed, skipped, run.Duration.Round(time.Millisecond))
	if run.Coverage != nil {
		ew.printf("<p><a href=\"#coverage\">Rule coverage</a>: %.1f%%</p>\n", run.Coverage.Total().Percent())
	}
	ew.printf("%s</header>\n<main>\n", legend)
	fileErrors(ew, run.Results)
	for i, g := range groups {
		writeGroup(ew, run.Charts, i, g)
	}
	if run.Coverage != nil {
		writeCoverage(ew, run.Coverage)
	}
	ew.printf("</main>\n</body>\n</html>\n")
	_ = files
	return ew.err
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

func fileErrors(ew *errWriter, results []*harness.FileResult) {
	for _, fr := range results {
		if fr.Err != nil {
			ew.printf("<section class=\"group failed\"><h2>%s</h2><pre>%s</pre></section>\n", esc(fr.Path), esc(fr.Err.Error()))
		}
	}
}

func writeGroup(ew *errWriter, b *chart.Builder, i int, g group) {
	verdict := "passed"
	if g.tr.Failed() {
		verdict = "failed"
	}
	ew.printf("<section class=\"group %s\" id=\"group-%d\">\n<h2><span class=\"verdict\">%s</span> %s</h2>\n<p class=\"pos\">%s:%d &middot; %s</p>\n",
		verdict, i, strings.ToUpper(verdict), esc(g.tr.Name), esc(g.file), g.tr.Line, g.tr.Duration.Round(time.Microsecond))
	for _, f := range g.tr.Failures {
		ew.printf("<pre class=\"failure\">%s:%d: %s</pre>\n", esc(g.file), f.Line, esc(f.Message))
	}
	c := b.Build(g.file, g.tr)
	if c == nil {
		ew.printf("<p class=\"nochart\">No chart: the test group did not run to the end.</p>\n")
	} else {
		ew.printf("<figure>\n")
		if ew.err == nil {
			ew.err = chart.WriteSVG(ew.w, c)
		}
		ew.printf("</figure>\n")
	}
	ew.printf("</section>\n")
}

func writeCoverage(ew *errWriter, rep *coverage.Report) {
	t := rep.Total()
	ew.printf("<section id=\"coverage\" class=\"coverage\">\n<h2>Rule coverage: %.1f%% (%d of %d rules)</h2>\n", t.Percent(), t.Covered, t.Rules)
	ew.printf("<table><tr><th>rule file</th><th>rules</th><th>covered</th><th>%%</th></tr>\n")
	for _, s := range rep.ByFile() {
		ew.printf("<tr><td>%s</td><td>%d</td><td>%d</td><td>%.1f</td></tr>\n", esc(s.File), s.Rules, s.Covered, s.Percent())
	}
	ew.printf("</table>\n<table><tr><th>where</th><th>rule</th><th>covered</th><th>missing</th></tr>\n")
	for _, r := range rep.Rules {
		ew.printf("<tr class=\"%s\"><td>%s:%d</td><td>%s %s</td><td>%s</td><td>%s</td></tr>\n",
			cls(!r.Covered(), "uncovered"), esc(r.File), r.Line, r.Kind, esc(r.Name), yesNo(r.Covered()), esc(r.Missing()))
	}
	ew.printf("</table>\n</section>\n")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func esc(s string) string { return html.EscapeString(s) }

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

const legend = `<p class="legend">States: <svg width="14" height="10"><rect class="st pending" width="14" height="10"/></svg> pending
<svg width="14" height="10"><rect class="st firing" width="14" height="10"/></svg> firing
<svg width="14" height="10"><rect class="st inactive" width="14" height="10"/></svg> inactive
<svg width="14" height="10"><rect class="st not-firing" width="14" height="10"/></svg> not firing (promtool eval_time);
dashed line: threshold; red line: first instant actual differs from expected; triangles: eval_time. Hover for values.</p>
`

const css = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em;color:#111;background:#fff}
h1{font-size:1.4em} h2{font-size:1.05em;margin:.2em 0}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}
td.bad{color:#b00;font-weight:bold}
section.group{border:1px solid #ccc;border-left:6px solid #2a7;margin:1em 0;padding:.5em 1em}
section.failed{border-left-color:#c00}
section.failed .verdict{color:#c00} section.passed .verdict{color:#2a7}
.pos{color:#555;margin:0;font-family:monospace}
pre.failure{background:#fff3f3;padding:.4em;white-space:pre-wrap;max-height:20em;overflow:auto}
svg.chart{max-width:100%;height:auto;font:11px monospace}
svg .row{fill:#fafafa;stroke:#eee}
svg .input{fill:none;stroke:#246;stroke-width:1.5}
svg .value{fill:none;stroke:#639;stroke-width:1.5}
svg .threshold{stroke:#c00;stroke-dasharray:5 3}
svg .hover{fill:transparent} svg .hover:hover{fill:rgba(0,0,0,.08)}
svg .st.firing,.legend .firing{fill:#c00} .st.pending{fill:#e90;fill-opacity:.6}
.st.inactive{fill:#ddd} .st.not-firing{fill:#9bd}
svg .st:hover{stroke:#000}
svg line.diff{stroke:#c00;stroke-width:2} svg text.diff{fill:#c00;font-weight:bold}
svg .axis{stroke:#555} svg .tick,svg .bound{fill:#555;font-size:10px} svg .bound{text-anchor:end}
svg .mark{fill:#36c}
svg .which{fill:#333}
tr.uncovered td{background:#fff3f3}
`

package backtesthtml

import (
	"fmt"
	"html"
	"io"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/internal/chart"
)

// maxEpisodeRows caps the episodes listed per alert.
const maxEpisodeRows = 50

// Write writes the page.
func Write(w io.Writer, p *Page) error {
	ew := &errWriter{w: w}
	r := p.Output.Report
	ew.printf("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>rulecheck backtest: %s to %s</title>\n<style>%s</style>\n</head>\n<body>\n",
		when(r.From), when(r.To), css)
	writeHeader(ew, p)
	ew.printf("<main>\n")
	for i, a := range p.Alerts {
		writeAlert(ew, i, a)
	}
	writeWarnings(ew, r.Warnings)
	ew.printf("</main>\n</body>\n</html>\n")
	return ew.err
}

func writeHeader(ew *errWriter, p *Page) {
	o, r := p.Output, p.Output.Report
	ew.printf("<header><h1>rulecheck backtest report</h1>\n<p>%s to %s (%s) over <code>%s</code></p>\n", when(r.From), when(r.To), dur(r.To.Sub(r.From)), esc(o.Source))
	if o.Diff != nil {
		ew.printf("<p>Compared with %s: <em>before</em> is the baseline, <em>after</em> the rules given.</p>\n", esc(o.BaselineName))
	}
	ew.printf("<table class=\"summary\"><tr><th>alert</th><th>episodes</th><th>pending only</th><th>firing</th><th>median</th><th>flaps</th><th>share firing</th>%s</tr>\n",
		ifBaseline(o, "<th>added</th><th>removed</th><th>shifted</th>"))
	for i, a := range p.Alerts {
		ew.printf("<tr><td><a href=\"#alert-%d\">%s</a></td>%s%s</tr>\n", i, esc(a.Name), statCells(a.Stats), diffCells(a.Diff))
	}
	ew.printf("</table>\n%s</header>\n", legend)
}

func ifBaseline(o *backtest.Output, s string) string {
	if o.Diff == nil {
		return ""
	}
	return s
}

func statCells(s backtest.AlertStats) string {
	return fmt.Sprintf("<td>%d</td><td>%d</td><td>%s</td><td>%s</td><td>%d</td><td>%.1f%%</td>",
		s.Episodes, s.PendingOnly, dur(s.FiringTime), dur(s.MedianFiring), s.Flaps, 100*s.FiringShare)
}

func diffCells(d *backtest.AlertDiff) string {
	if d == nil {
		return ""
	}
	return fmt.Sprintf("<td class=\"%s\">%d</td><td class=\"%s\">%d</td><td class=\"%s\">%d</td>",
		cls(len(d.Added) > 0, "changed"), len(d.Added), cls(len(d.Removed) > 0, "changed"), len(d.Removed), cls(len(d.Shifted) > 0, "changed"), len(d.Shifted))
}

func writeAlert(ew *errWriter, i int, a Alert) {
	ew.printf("<section class=\"alert %s\" id=\"alert-%d\">\n<h2>%s</h2>\n", sectionClass(a), i, esc(a.Name))
	if a.Chart != nil && a.Chart.Alerts[0].Expr != "" {
		ew.printf("<pre class=\"expr\">%s</pre>\n", esc(a.Chart.Alerts[0].Expr))
	}
	ew.printf("<table><tr><th>episodes</th><th>pending only</th><th>firing</th><th>median</th><th>flaps</th><th>share firing</th></tr>\n<tr>%s</tr></table>\n", statCells(a.Stats))
	writeDiff(ew, a.Diff)
	for _, n := range a.Notes {
		ew.printf("<p class=\"note\">%s</p>\n", esc(n))
	}
	if a.Chart != nil {
		ew.printf("<figure>\n")
		if ew.err == nil {
			ew.err = chart.WriteSVG(ew.w, a.Chart)
		}
		ew.printf("</figure>\n")
	}
	writeEpisodes(ew, a.Episodes)
	ew.printf("</section>\n")
}

func sectionClass(a Alert) string {
	switch {
	case a.Diff != nil && a.Diff.Changed():
		return "changed"
	case a.Stats.Episodes > 0:
		return "fired"
	}
	return "quiet"
}

// writeDiff lists the episodes the change added, removed and shifted.
func writeDiff(ew *errWriter, d *backtest.AlertDiff) {
	if d == nil {
		return
	}
	if !d.Changed() {
		ew.printf("<p class=\"diff\">No change from the baseline.</p>\n")
		return
	}
	ew.printf("<p class=\"diff\">Episodes %d &rarr; %d, firing %s &rarr; %s%s:</p>\n<ul class=\"diff\">\n",
		d.Before.Episodes, d.After.Episodes, dur(d.Before.FiringTime), dur(d.After.FiringTime), esc(presence(d)))
	for _, e := range d.Added {
		ew.printf("<li class=\"added\">added %s %s: firing %s, resolved %s</li>\n", esc(e.ID), esc(labelText(e.Labels)), opt(e.Firing), opt(e.Resolved))
	}
	for _, e := range d.Removed {
		ew.printf("<li class=\"removed\">removed %s %s: firing %s, resolved %s</li>\n", esc(e.ID), esc(labelText(e.Labels)), opt(e.Firing), opt(e.Resolved))
	}
	for _, s := range d.Shifted {
		ew.printf("<li class=\"shifted\">shifted %s %s: firing %s &rarr; %s, resolved %s &rarr; %s</li>\n", esc(s.After.ID), esc(labelText(s.After.Labels)),
			opt(s.Before.Firing), opt(s.After.Firing), opt(s.Before.Resolved), opt(s.After.Resolved))
	}
	ew.printf("</ul>\n")
}

func presence(d *backtest.AlertDiff) string {
	switch {
	case !d.InBaseline:
		return " (a new alert)"
	case !d.InNew:
		return " (an alert the change removes)"
	}
	return ""
}

func writeEpisodes(ew *errWriter, eps []backtest.Episode) {
	if len(eps) == 0 {
		return
	}
	ew.printf("<details><summary>%s</summary>\n<table class=\"episodes\"><tr><th>id</th><th>labels</th><th>pending</th><th>firing</th><th>resolved</th></tr>\n", plural(len(eps), "episode"))
	for _, e := range eps[:min(len(eps), maxEpisodeRows)] {
		ew.printf("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(e.ID), esc(labelText(e.Labels)), opt(e.Pending), opt(e.Firing), opt(e.Resolved))
	}
	ew.printf("</table>\n")
	if len(eps) > maxEpisodeRows {
		ew.printf("<p class=\"note\">The first %d of %d episodes are listed; --format json lists them all.</p>\n", maxEpisodeRows, len(eps))
	}
	ew.printf("</details>\n")
}

func writeWarnings(ew *errWriter, warnings []string) {
	if len(warnings) == 0 {
		return
	}
	ew.printf("<section class=\"warnings\"><h2>Warnings</h2>\n<ul>\n")
	for _, w := range warnings {
		ew.printf("<li>%s</li>\n", esc(w))
	}
	ew.printf("</ul>\n</section>\n")
}

// labelText prints an episode's labels without the alertname.
func labelText(ls labels.Labels) string { return withoutName(ls).String() }

func when(t time.Time) string { return esc(t.UTC().Format(time.RFC3339)) }

func opt(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return when(t)
}

func dur(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	return model.Duration(d.Round(time.Second)).String()
}

func cls(on bool, name string) string {
	if on {
		return name
	}
	return ""
}

func esc(s string) string { return html.EscapeString(s) }

// errWriter keeps the first write error and writes nothing after it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

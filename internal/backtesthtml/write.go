package backtesthtml

import (
	"fmt"
	"io"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/internal/htmlpage"
)

// maxEpisodeRows caps the episodes listed per alert.
const maxEpisodeRows = 50

// Write writes the page.
func Write(w io.Writer, p *Page) error {
	ew := htmlpage.NewWriter(w)
	r := p.Output.Report
	ew.Head("rulecheck backtest: "+when(r.From)+" to "+when(r.To), css)
	writeHeader(ew, p)
	ew.Printf("<main>\n")
	for i, a := range p.Alerts {
		writeAlert(ew, i, a)
	}
	writeWarnings(ew, r.Warnings)
	ew.Printf("</main>\n</body>\n</html>\n")
	return ew.Err()
}

func writeHeader(ew *htmlpage.Writer, p *Page) {
	o, r := p.Output, p.Output.Report
	ew.Printf("<header><h1>rulecheck backtest report</h1>\n<p>%s to %s (%s) over <code>%s</code></p>\n", when(r.From), when(r.To), dur(r.To.Sub(r.From)), htmlpage.Esc(o.Source))
	if o.Diff != nil {
		ew.Printf("<p>Compared with %s: <em>before</em> is the baseline, <em>after</em> the rules given.</p>\n", htmlpage.Esc(o.BaselineName))
	}
	ew.Printf("<table class=\"summary\"><tr><th>alert</th><th>episodes</th><th>pending only</th><th>firing</th><th>median</th><th>flaps</th><th>share firing</th>%s</tr>\n",
		ifBaseline(o, "<th>added</th><th>removed</th><th>shifted</th>"))
	for i, a := range p.Alerts {
		ew.Printf("<tr><td><a href=\"#alert-%d\">%s</a></td>%s%s</tr>\n", i, htmlpage.Esc(a.Name), statCells(a.Stats), diffCells(a.Diff))
	}
	ew.Printf("</table>\n%s</header>\n", legend)
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

func writeAlert(ew *htmlpage.Writer, i int, a Alert) {
	ew.Printf("<section class=\"alert %s\" id=\"alert-%d\">\n<h2>%s</h2>\n", sectionClass(a), i, htmlpage.Esc(a.Name))
	if a.Chart != nil && a.Chart.Alerts[0].Expr != "" {
		ew.Printf("<pre class=\"expr\">%s</pre>\n", htmlpage.Esc(a.Chart.Alerts[0].Expr))
	}
	ew.Printf("<table><tr><th>episodes</th><th>pending only</th><th>firing</th><th>median</th><th>flaps</th><th>share firing</th></tr>\n<tr>%s</tr></table>\n", statCells(a.Stats))
	writeDiff(ew, a.Diff)
	for _, n := range a.Notes {
		ew.Printf("<p class=\"note\">%s</p>\n", htmlpage.Esc(n))
	}
	if a.Chart != nil {
		ew.Printf("<figure>\n")
		ew.Chart(a.Chart)
		ew.Printf("</figure>\n")
	}
	writeEpisodes(ew, a.Episodes)
	ew.Printf("</section>\n")
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
func writeDiff(ew *htmlpage.Writer, d *backtest.AlertDiff) {
	if d == nil {
		return
	}
	if !d.Changed() {
		ew.Printf("<p class=\"diff\">No change from the baseline.</p>\n")
		return
	}
	ew.Printf("<p class=\"diff\">Episodes %d &rarr; %d, firing %s &rarr; %s%s:</p>\n<ul class=\"diff\">\n",
		d.Before.Episodes, d.After.Episodes, dur(d.Before.FiringTime), dur(d.After.FiringTime), htmlpage.Esc(presence(d)))
	for _, e := range d.Added {
		ew.Printf("<li class=\"added\">added %s %s: firing %s, resolved %s</li>\n", htmlpage.Esc(e.ID), htmlpage.Esc(labelText(e.Labels)), opt(e.Firing), opt(e.Resolved))
	}
	for _, e := range d.Removed {
		ew.Printf("<li class=\"removed\">removed %s %s: firing %s, resolved %s</li>\n", htmlpage.Esc(e.ID), htmlpage.Esc(labelText(e.Labels)), opt(e.Firing), opt(e.Resolved))
	}
	for _, s := range d.Shifted {
		ew.Printf("<li class=\"shifted\">shifted %s %s: firing %s &rarr; %s, resolved %s &rarr; %s</li>\n", htmlpage.Esc(s.After.ID), htmlpage.Esc(labelText(s.After.Labels)),
			opt(s.Before.Firing), opt(s.After.Firing), opt(s.Before.Resolved), opt(s.After.Resolved))
	}
	ew.Printf("</ul>\n")
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

func writeEpisodes(ew *htmlpage.Writer, eps []backtest.Episode) {
	if len(eps) == 0 {
		return
	}
	ew.Printf("<details><summary>%s</summary>\n<table class=\"episodes\"><tr><th>id</th><th>labels</th><th>pending</th><th>firing</th><th>resolved</th></tr>\n", plural(len(eps), "episode"))
	for _, e := range eps[:min(len(eps), maxEpisodeRows)] {
		ew.Printf("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", htmlpage.Esc(e.ID), htmlpage.Esc(labelText(e.Labels)), opt(e.Pending), opt(e.Firing), opt(e.Resolved))
	}
	ew.Printf("</table>\n")
	if len(eps) > maxEpisodeRows {
		ew.Printf("<p class=\"note\">The first %d of %d episodes are listed; --format json lists them all.</p>\n", maxEpisodeRows, len(eps))
	}
	ew.Printf("</details>\n")
}

func writeWarnings(ew *htmlpage.Writer, warnings []string) {
	if len(warnings) == 0 {
		return
	}
	ew.Printf("<section class=\"warnings\"><h2>Warnings</h2>\n<ul>\n")
	for _, w := range warnings {
		ew.Printf("<li>%s</li>\n", htmlpage.Esc(w))
	}
	ew.Printf("</ul>\n</section>\n")
}

// labelText prints an episode's labels without the alertname.
func labelText(ls labels.Labels) string { return withoutName(ls).String() }

func when(t time.Time) string { return htmlpage.Esc(t.UTC().Format(time.RFC3339)) }

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

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

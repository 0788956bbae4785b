package backtest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
)

// Output is what the backtest command prints: a run's report and, with a
// baseline, the difference.
type Output struct {
	// Source names the data (a TSDB directory, a URL).
	Source string
	// Report is the run of the rules given; Diff, when set, compares it
	// with Baseline, named BaselineName (files or a git revision).
	Report       *Report
	Baseline     *Report
	BaselineName string
	Diff         *Diff
}

func fmtDur(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	return model.Duration(d.Round(time.Second)).String()
}

func fmtShare(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

func fmtOpt(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return fmtTime(t)
}

// WriteText writes the report as tables for a terminal.
func (o Output) WriteText(w io.Writer) error {
	r := o.Report
	fmt.Fprintf(w, "Backtest of %s to %s (%s) over %s\n\n", fmtTime(r.From), fmtTime(r.To), fmtDur(r.To.Sub(r.From)), o.Source)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ALERT\tEPISODES\tPENDING ONLY\tFIRING\tMEDIAN\tFLAPS\tSHARE\t")
	for _, a := range r.Alerts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%d\t%s\t\n", a.Alert, a.Episodes, a.PendingOnly, fmtDur(a.FiringTime), fmtDur(a.MedianFiring), a.Flaps, fmtShare(a.FiringShare))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Episodes) > 0 {
		fmt.Fprintln(w, "\nEpisodes:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  ID\tLABELS\tPENDING\tFIRING\tRESOLVED")
		for _, e := range r.Episodes {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", e.ID, episodeLabels(e), fmtOpt(e.Pending), fmtOpt(e.Firing), fmtOpt(e.Resolved))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", wn)
	}
	if o.Diff != nil {
		o.writeDiffText(w)
	}
	return nil
}

// episodeLabels prints an episode's labels without the alertname.
func episodeLabels(e Episode) string {
	var parts []string
	e.Labels.Range(func(l labels.Label) {
		if l.Name != "alertname" {
			parts = append(parts, fmt.Sprintf("%s=%q", l.Name, l.Value))
		}
	})
	return "{" + strings.Join(parts, ", ") + "}"
}

func (o Output) writeDiffText(w io.Writer) {
	fmt.Fprintf(w, "\nCompared with %s:\n", o.BaselineName)
	changed := 0
	for _, d := range o.Diff.Alerts {
		if !d.Changed() {
			continue
		}
		changed++
		fmt.Fprintf(w, "\n  %s%s: episodes %d -> %d, firing %s -> %s\n", d.Alert, presence(d), d.Before.Episodes, d.After.Episodes, fmtDur(d.Before.FiringTime), fmtDur(d.After.FiringTime))
		for _, e := range d.Added {
			fmt.Fprintf(w, "    + %s %s firing %s resolved %s\n", e.ID, episodeLabels(e), fmtOpt(e.Firing), fmtOpt(e.Resolved))
		}
		for _, e := range d.Removed {
			fmt.Fprintf(w, "    - %s %s firing %s resolved %s\n", e.ID, episodeLabels(e), fmtOpt(e.Firing), fmtOpt(e.Resolved))
		}
		for _, s := range d.Shifted {
			fmt.Fprintf(w, "    ~ %s %s firing %s -> %s, resolved %s -> %s\n", s.After.ID, episodeLabels(s.After), fmtOpt(s.Before.Firing), fmtOpt(s.After.Firing), fmtOpt(s.Before.Resolved), fmtOpt(s.After.Resolved))
		}
	}
	if changed == 0 {
		fmt.Fprintln(w, "  no alert changed")
	}
}

func presence(d AlertDiff) string {
	switch {
	case !d.InBaseline:
		return " (new)"
	case !d.InNew:
		return " (removed)"
	}
	return ""
}

// WriteGitHub writes a Markdown summary, as $GITHUB_STEP_SUMMARY takes.
func (o Output) WriteGitHub(w io.Writer) error {
	r := o.Report
	fmt.Fprintf(w, "### Backtest: %s to %s\n\n", fmtTime(r.From), fmtTime(r.To))
	if o.Diff == nil {
		fmt.Fprintln(w, "| Alert | Episodes | Firing | Median | Flaps | Share |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
		for _, a := range r.Alerts {
			fmt.Fprintf(w, "| `%s` | %d | %s | %s | %d | %s |\n", a.Alert, a.Episodes, fmtDur(a.FiringTime), fmtDur(a.MedianFiring), a.Flaps, fmtShare(a.FiringShare))
		}
		return nil
	}
	fmt.Fprintf(w, "Compared with %s.\n\n", mdEscape(o.BaselineName))
	fmt.Fprintln(w, "| Alert | Episodes | Firing | Added | Removed | Shifted |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, d := range o.Diff.Alerts {
		mark := ""
		if d.Changed() {
			mark = " :warning:"
		}
		fmt.Fprintf(w, "| `%s`%s%s | %d → %d | %s → %s | %d | %d | %d |\n", d.Alert, presence(d), mark, d.Before.Episodes, d.After.Episodes, fmtDur(d.Before.FiringTime), fmtDur(d.After.FiringTime), len(d.Added), len(d.Removed), len(d.Shifted))
	}
	return nil
}

func mdEscape(s string) string { return strings.NewReplacer("|", `\|`, "`", "'").Replace(s) }

// The JSON form.
type (
	jsonOutput struct {
		Source   string        `json:"source"`
		From     time.Time     `json:"from"`
		To       time.Time     `json:"to"`
		Alerts   []jsonStats   `json:"alerts"`
		Episodes []jsonEpisode `json:"episodes"`
		Warnings []string      `json:"warnings"`
		Baseline *jsonBaseline `json:"baseline,omitempty"`
	}
	jsonStats struct {
		Alert         string  `json:"alert"`
		Episodes      int     `json:"episodes"`
		PendingOnly   int     `json:"pending_only"`
		FiringSeconds float64 `json:"firing_seconds"`
		MedianSeconds float64 `json:"median_firing_seconds"`
		Flaps         int     `json:"flaps"`
		FiringShare   float64 `json:"firing_share"`
	}
	jsonEpisode struct {
		ID       string            `json:"id"`
		Alert    string            `json:"alert"`
		Labels   map[string]string `json:"labels"`
		Pending  *time.Time        `json:"pending"`
		Firing   *time.Time        `json:"firing"`
		Resolved *time.Time        `json:"resolved"`
	}
	jsonBaseline struct {
		Name   string     `json:"name"`
		Alerts []jsonDiff `json:"alerts"`
	}
	jsonDiff struct {
		Alert      string        `json:"alert"`
		InBaseline bool          `json:"in_baseline"`
		InNew      bool          `json:"in_new"`
		Before     jsonStats     `json:"before"`
		After      jsonStats     `json:"after"`
		Added      []jsonEpisode `json:"added"`
		Removed    []jsonEpisode `json:"removed"`
		Shifted    []jsonShift   `json:"shifted"`
	}
	jsonShift struct {
		Before jsonEpisode `json:"before"`
		After  jsonEpisode `json:"after"`
	}
)

// WriteJSON writes the report as one JSON document.
func (o Output) WriteJSON(w io.Writer) error {
	r := o.Report
	out := jsonOutput{Source: o.Source, From: r.From.UTC(), To: r.To.UTC(), Alerts: []jsonStats{}, Episodes: jsonEpisodes(r.Episodes), Warnings: r.Warnings}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	for _, a := range r.Alerts {
		out.Alerts = append(out.Alerts, toJSONStats(a))
	}
	if o.Diff != nil {
		out.Baseline = &jsonBaseline{Name: o.BaselineName, Alerts: []jsonDiff{}}
		for _, d := range o.Diff.Alerts {
			jd := jsonDiff{Alert: d.Alert, InBaseline: d.InBaseline, InNew: d.InNew, Before: toJSONStats(d.Before), After: toJSONStats(d.After),
				Added: jsonEpisodes(d.Added), Removed: jsonEpisodes(d.Removed), Shifted: []jsonShift{}}
			for _, s := range d.Shifted {
				jd.Shifted = append(jd.Shifted, jsonShift{Before: toJSONEpisode(s.Before), After: toJSONEpisode(s.After)})
			}
			out.Baseline.Alerts = append(out.Baseline.Alerts, jd)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func toJSONStats(a AlertStats) jsonStats {
	return jsonStats{Alert: a.Alert, Episodes: a.Episodes, PendingOnly: a.PendingOnly, FiringSeconds: a.FiringTime.Seconds(),
		MedianSeconds: a.MedianFiring.Seconds(), Flaps: a.Flaps, FiringShare: a.FiringShare}
}

func jsonEpisodes(eps []Episode) []jsonEpisode {
	out := make([]jsonEpisode, 0, len(eps))
	for _, e := range eps {
		out = append(out, toJSONEpisode(e))
	}
	return out
}

func toJSONEpisode(e Episode) jsonEpisode {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		u := t.UTC()
		return &u
	}
	return jsonEpisode{ID: e.ID, Alert: e.Alert, Labels: e.Labels.Map(), Pending: opt(e.Pending), Firing: opt(e.Firing), Resolved: opt(e.Resolved)}
}

package backtesthtml

import (
	"context"
	"fmt"
	"time"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/internal/chart"
)

// Options bound what is drawn.
type Options struct {
	// Points is about how many points a drawn series has over the range;
	// zero means 600.
	Points int
	// MaxInputs caps the input series drawn per alert (zero: 20);
	// MaxValues the series of its expression's value (zero: 6); MaxBands
	// its label sets (zero: 30). A note says when some were left out.
	MaxInputs, MaxValues, MaxBands int
}

func (o *Options) fill() {
	if o.Points <= 0 {
		o.Points = 600
	}
	if o.MaxInputs <= 0 {
		o.MaxInputs = 20
	}
	if o.MaxValues <= 0 {
		o.MaxValues = 6
	}
	if o.MaxBands <= 0 {
		o.MaxBands = 30
	}
}

// Page is what the report shows.
type Page struct {
	Output *backtest.Output
	Alerts []Alert
}

// Alert is one alert's part of the page.
type Alert struct {
	Name string
	// Stats are the run's; Diff is set with a baseline.
	Stats backtest.AlertStats
	Diff  *backtest.AlertDiff
	// Episodes are the run's episodes of the alert.
	Episodes []backtest.Episode
	Chart    *chart.Chart
	// Notes say what the chart leaves out or could not draw.
	Notes []string
}

// Build gathers the page of a backtest's output: per alert of the report
// (then those only the baseline has), its stats and the chart of what it
// read, queried from src. rules are the alerts' rules, those of the rule
// files first, then the baseline's. It fails when the source fails a
// query (the error wraps the source's, *backtest.Error kinds included).
func Build(ctx context.Context, src backtest.Source, out *backtest.Output, rules []backtest.AlertRule, opts Options) (*Page, error) {
	opts.fill()
	p := &Page{Output: out}
	for _, name := range alertNames(out) {
		a := Alert{Name: name, Stats: statsOf(out.Report, name), Episodes: episodesOf(out.Report, name)}
		var baseEps []backtest.Episode
		if out.Diff != nil {
			a.Diff = diffOf(out.Diff, name)
			baseEps = episodesOf(out.Baseline, name)
		}
		d := drawing{ctx: ctx, src: src, from: out.Report.From, to: out.Report.To, opts: opts}
		var err error
		a.Chart, a.Notes, err = d.chart(ruleOf(rules, name), a.Episodes, baseEps, out.Diff != nil)
		if err != nil {
			return nil, fmt.Errorf("drawing %s for the HTML report: %w", name, err)
		}
		p.Alerts = append(p.Alerts, a)
	}
	return p, nil
}

// alertNames lists the report's alerts, then those only the baseline has.
func alertNames(out *backtest.Output) []string {
	var names []string
	seen := map[string]bool{}
	for _, a := range out.Report.Alerts {
		seen[a.Alert] = true
		names = append(names, a.Alert)
	}
	if out.Diff != nil {
		for _, d := range out.Diff.Alerts {
			if !seen[d.Alert] {
				seen[d.Alert] = true
				names = append(names, d.Alert)
			}
		}
	}
	return names
}

func statsOf(r *backtest.Report, name string) backtest.AlertStats {
	for _, a := range r.Alerts {
		if a.Alert == name {
			return a
		}
	}
	return backtest.AlertStats{Alert: name}
}

func episodesOf(r *backtest.Report, name string) []backtest.Episode {
	var out []backtest.Episode
	if r == nil {
		return nil
	}
	for _, e := range r.Episodes {
		if e.Alert == name {
			out = append(out, e)
		}
	}
	return out
}

func diffOf(d *backtest.Diff, name string) *backtest.AlertDiff {
	for i := range d.Alerts {
		if d.Alerts[i].Alert == name {
			return &d.Alerts[i]
		}
	}
	return nil
}

func ruleOf(rules []backtest.AlertRule, name string) backtest.AlertRule {
	for _, r := range rules {
		if r.Name == name {
			return r
		}
	}
	return backtest.AlertRule{Name: name, Interval: time.Minute}
}

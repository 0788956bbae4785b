package backtesthtml

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/internal/chart"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
)

// drawing queries what one alert's chart shows over [from, to].
type drawing struct {
	ctx      context.Context
	src      backtest.Source
	from, to time.Time
	opts     Options
	// fired are the alert's episodes, the baseline's too: the series
	// they are about are drawn first.
	fired []backtest.Episode
	notes []string
	// err is the first query error; no query is made after it.
	err error
}

func (d *drawing) note(format string, args ...any) {
	d.notes = append(d.notes, fmt.Sprintf(format, args...))
}

// chart draws one alert: its inputs, its value and its bands. It fails
// when the source fails a query.
func (d *drawing) chart(r backtest.AlertRule, eps, baseEps []backtest.Episode, withBaseline bool) (*chart.Chart, []string, error) {
	c := &chart.Chart{Title: r.Name, Start: d.from, End: d.to.Sub(d.from)}
	d.fired = append(slices.Clone(eps), baseEps...)
	if r.Interval <= 0 {
		r.Interval = time.Minute
	}
	a := chart.Alert{Name: r.Name, Expr: r.Expr}
	if r.Expr == "" {
		d.note("no rule of this name to draw the series of")
	} else if expr, err := promqlparser.New(parser.Options{}).ParseExpr(r.Expr); err != nil {
		d.note("the expression does not parse: %v", err)
	} else {
		var side parser.Expr
		a.Threshold, side = chart.SplitThreshold(expr)
		c.Inputs = d.inputs(expr, r.Interval, low(a.Threshold))
		a.Values = d.values(side, r.Interval, low(a.Threshold))
	}
	a.Bands = d.bands(r.Name, eps, baseEps, withBaseline)
	c.Alerts = []chart.Alert{a}
	return c, d.notes, d.err
}

// step is about the range over Points, rounded up to a multiple of the
// group's interval.
func (d *drawing) step(interval time.Duration) time.Duration {
	n := (d.to.Sub(d.from)/time.Duration(d.opts.Points) + interval - 1) / interval
	return max(n, 1) * interval
}

// queryWindow is how many evaluation intervals one drawing query covers:
// its memory is about that many points per series, as a run's window.
const queryWindow = 360

// fetch evaluates expr at every interval of the range, a window at a
// time, and folds the samples into steps, the largest (smallest when low)
// of each. It returns at most keep series, those an episode is about
// first, and the number of series the expression returned.
func (d *drawing) fetch(expr string, interval time.Duration, low bool, keep int) ([]chart.Series, int, error) {
	if d.err != nil {
		return nil, 0, d.err
	}
	f := newFolder(d.from, d.to, d.step(interval), low, 10*keep)
	window := queryWindow * interval
	for ws := d.from; !ws.After(d.to); ws = ws.Add(window) {
		we := ws.Add(window - interval)
		if we.After(d.to) {
			we = d.to
		}
		m, err := d.src.QueryRange(d.ctx, expr, ws, we, interval)
		if err != nil {
			d.err = fmt.Errorf("%s: %w", expr, err)
			return nil, 0, d.err
		}
		f.add(m)
	}
	kept, total := f.result(keep, d.aboutEpisode)
	return d.series(kept, f.step, low), total, nil
}

// inputs draws each vector selector of expr (without its offset or @),
// at most MaxInputs series shared out between the selectors.
func (d *drawing) inputs(expr parser.Expr, interval time.Duration, low bool) []chart.Series {
	var out []chart.Series
	drawn, total := 0, 0
	sels := selectors(expr)
	for _, sel := range sels {
		got, n, err := d.fetch(sel, interval, low, max(1, d.opts.MaxInputs/len(sels)))
		if err != nil {
			return nil
		}
		out = append(out, got...)
		drawn, total = drawn+len(got), total+n
	}
	if total > drawn {
		d.note("%d of the %d input series drawn", drawn, total)
	}
	return out
}

// values draws the expression (its vector side when it compares with a
// scalar), at most MaxValues series.
func (d *drawing) values(side parser.Expr, interval time.Duration, low bool) []chart.Series {
	got, total, err := d.fetch(side.String(), interval, low, d.opts.MaxValues)
	if err != nil {
		return nil
	}
	if total > len(got) {
		d.note("value: %d of the %d series of %s drawn", len(got), total, side)
	}
	return got
}

// series turns folded series into chart series on the axis from d.from,
// named apart from each other.
func (d *drawing) series(fs []folded, step time.Duration, low bool) []chart.Series {
	out := make([]chart.Series, len(fs))
	lsets := make([]labels.Labels, len(fs))
	for i, s := range fs {
		lsets[i] = s.metric
		out[i].Low = low
		for j, v := range s.vals {
			if !math.IsNaN(v) {
				out[i].At = append(out[i].At, time.Duration(j)*step)
				out[i].Values = append(out[i].Values, v)
			}
		}
	}
	for i, name := range chart.SeriesNames(lsets) {
		out[i].Name = name
	}
	return out
}

// low reports whether the alert fires on low values: the side compared
// is then drawn by its smallest values, and its inputs too.
func low(th *chart.Threshold) bool {
	if th == nil {
		return false
	}
	switch th.Op {
	case "<", "<=":
		return !th.ScalarLeft
	case ">", ">=":
		return th.ScalarLeft
	}
	return th.Op == "=="
}

// selectors prints each distinct vector selector of expr without its
// offset or @ modifier: the series as recorded over the range.
func selectors(expr parser.Expr) []string {
	var out []string
	seen := map[string]bool{}
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		s := (&parser.VectorSelector{Name: vs.Name, LabelMatchers: vs.LabelMatchers}).String()
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
		return nil
	})
	return out
}

// aboutEpisode reports whether an episode of the alert is about a
// series: its labels agree with the episode's on every label both have,
// one at least.
func (d *drawing) aboutEpisode(ls labels.Labels) bool {
	for _, e := range d.fired {
		shared, agree := 0, true
		ls.Range(func(l labels.Label) {
			if v := e.Labels.Get(l.Name); l.Name != labels.MetricName && v != "" {
				shared++
				agree = agree && v == l.Value
			}
		})
		if shared > 0 && agree {
			return true
		}
	}
	return false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

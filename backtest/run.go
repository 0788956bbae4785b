package backtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/template"
)

// Options say what a run covers.
type Options struct {
	// From and To bound the evaluations: every group is evaluated at each of
	// its times in [From, To], aligned as a Prometheus server aligns them.
	From, To time.Time
	// Window is how much of the range is evaluated at once; memory grows
	// with it. Zero means DefaultWindow.
	Window time.Duration
	// MaxSeries fails the run when a rule's query returns more series;
	// zero means no limit.
	MaxSeries int
	// FlapWindow: an episode that starts firing within this time after the
	// previous episode of the same alert and labels resolved is a flap.
	// Zero means DefaultFlapWindow.
	FlapWindow time.Duration
	// LookbackDelta is the source's lookback, used to know how long
	// recorded series must be kept; zero means 5m.
	LookbackDelta time.Duration
	// ExternalURL is what templates see as $externalURL.
	ExternalURL *url.URL
	// MaxTemplateBytes bounds what the label and annotation templates of
	// one alerting rule that are not plain may expand to in one evaluation,
	// for all its alerts (as rulecheck test's --max-template-bytes); zero
	// means tmplbound.DefaultBytes. Over it the run fails (ErrTemplate)
	// before Prometheus expands them.
	MaxTemplateBytes int64
	// Warmup is evaluated before From without being reported, so that the
	// alerts enter the range with the state a running server would have
	// (pending for a while, already firing). Episodes that ended before
	// From are left out; those under way at From keep their earlier times,
	// and only their time in the range counts.
	Warmup time.Duration
}

// Defaults.
const (
	DefaultWindow     = 6 * time.Hour
	DefaultFlapWindow = 15 * time.Minute
)

// Report is what a run found.
type Report struct {
	From, To time.Time
	// Episodes are all episodes of all alerts, ordered by start.
	Episodes []Episode
	// Alerts holds one entry per alerting rule name, in file order.
	Alerts []AlertStats
	// Warnings are things that went wrong in single evaluations (a limit
	// exceeded, a recording rule skipped) without stopping the run.
	Warnings []string
}

// Run evaluates the rule set over [From, To] and reports the alerts'
// episodes. A RuleSet holds the alerts' state, so it is run once.
func Run(ctx context.Context, src Source, rs *RuleSet, opts Options) (*Report, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	if rs.used {
		return nil, &Error{Kind: ErrUsage, Msg: "a rule set can be run only once; load it again"}
	}
	rs.used = true
	order, err := rs.order()
	if err != nil {
		return nil, err
	}
	rs.restored()
	rs.prepareTemplates()
	r := &runner{src: src, rs: rs, opts: opts, tr: newTracker(), skip: map[*rule]bool{}}
	if sh, ok := src.(shadower); ok {
		sh.Shadow(rs.recorded())
	}
	keep := rs.lookback(opts.LookbackDelta)
	for ws := opts.start(); !ws.After(opts.To); ws = ws.Add(opts.Window) {
		we := ws.Add(opts.Window)
		if end := opts.To.Add(time.Nanosecond); we.After(end) {
			we = end
		}
		for _, rl := range order {
			if err := r.evalRule(ctx, rl, ws, we); err != nil {
				return nil, err
			}
		}
		if f, ok := src.(forgetter); ok && keep >= 0 {
			f.Forget(we.Add(-keep))
		}
	}
	return r.report(), nil
}

// start is the first time evaluated: From, less the warm-up.
func (o *Options) start() time.Time { return o.From.Add(-o.Warmup) }

func (o *Options) fill() error {
	if o.From.IsZero() || o.To.IsZero() {
		return &Error{Kind: ErrUsage, Msg: "both the start and the end of the range are needed"}
	}
	if o.From.After(o.To) {
		return &Error{Kind: ErrUsage, Msg: fmt.Sprintf("the range starts (%s) after it ends (%s)", o.From.UTC().Format(time.RFC3339), o.To.UTC().Format(time.RFC3339))}
	}
	if o.Warmup < 0 {
		return &Error{Kind: ErrUsage, Msg: "the warm-up cannot be negative"}
	}
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.FlapWindow <= 0 {
		o.FlapWindow = DefaultFlapWindow
	}
	if o.LookbackDelta <= 0 {
		o.LookbackDelta = 5 * time.Minute
	}
	if o.ExternalURL == nil {
		o.ExternalURL = &url.URL{}
	}
	return nil
}

// forgetter is a source that can drop recorded samples no later query
// reads (NewLocal's source does).
type forgetter interface {
	Forget(before time.Time)
}

// shadower is a source that can hide the recorded data's own series of
// the metrics the rule set records (NewLocal's source can): a server that
// ran older rules stored its output under the same names.
type shadower interface {
	Shadow(names []string)
}

type runner struct {
	src  Source
	rs   *RuleSet
	opts Options
	tr   *tracker
	// skip holds recording rules the source cannot record and no rule reads.
	skip     map[*rule]bool
	warnings []string
}

// times returns the group's evaluation times in [from, to): those of a
// server, aligned by Prometheus's EvalTimestamp, from the first at or
// after the run's start.
func (g *group) times(runFrom, from, to time.Time) []time.Time {
	iv := g.g.Interval()
	first := g.g.EvalTimestamp(runFrom.UnixNano())
	if first.Before(runFrom) {
		first = first.Add(iv)
	}
	k := int64(0)
	if from.After(first) {
		k = int64((from.Sub(first) + iv - 1) / iv)
	}
	var out []time.Time
	for t := first.Add(time.Duration(k) * iv); t.Before(to); t = t.Add(iv) {
		out = append(out, t)
	}
	return out
}

// evalRule evaluates one rule at its group's times in [from, to): one
// range query, then the rule's own Eval at each time, served from it.
func (r *runner) evalRule(ctx context.Context, rl *rule, from, to time.Time) error {
	if r.skip[rl] {
		return nil
	}
	times := rl.group.times(r.opts.start(), from, to)
	if len(times) == 0 {
		return nil
	}
	g := rl.group.g
	off, step := g.QueryOffset(), g.Interval()
	start := times[0].Add(-off)
	var vecs []promql.Vector
	if !rl.stepwise {
		m, err := r.src.QueryRange(ctx, rl.expr, start, times[len(times)-1].Add(-off), step)
		switch {
		case err == nil:
			if err := r.checkSeries(rl, len(m), times); err != nil {
				return err
			}
			vecs = byStep(m, start, step, len(times))
		case !evalError(err):
			return r.queryError(rl, err)
		}
		// An evaluation error (a many-to-many match, say) at some of the
		// times fails the whole range query; a server fails only those
		// evaluations and keeps the alert's state. So the window is then
		// evaluated one instant query per time (vecs stays nil), and the
		// times whose query fails fail their Eval as on a server.
	}
	// cur is the evaluation under way; answered is the last evaluation
	// whose own query was answered: a template may repeat the rule's
	// query, and it is answered by an instant query like any other.
	cur, answered := 0, -1
	own := func(ctx context.Context, t time.Time) (promql.Vector, error) {
		answered = cur
		if vecs != nil {
			v := vecs[cur]
			vecs[cur] = nil
			return v, r.checkTemplates(ctx, rl, v, t)
		}
		v, err := r.instant(ctx, rl.expr, t)
		if err == nil {
			err = r.checkSeries(rl, len(v), times[cur:cur+1])
		}
		if err == nil {
			err = r.checkTemplates(ctx, rl, v, t)
		}
		return v, err
	}
	qf := func(ctx context.Context, q string, t time.Time) (promql.Vector, error) {
		if answered != cur && q == rl.expr && t.Equal(times[cur].Add(-off)) {
			return own(ctx, t)
		}
		return r.instant(ctx, q, t)
	}
	rec := newRecorded()
	for i, ts := range times {
		cur = i
		out, err := rl.r.Eval(ctx, off, ts, qf, r.opts.ExternalURL, g.Limit())
		if err != nil {
			var qe *Error
			if errors.As(err, &qe) {
				return qe
			}
			r.warn(rl, ts, err)
		}
		a, isAlert := rl.alerting()
		if isAlert {
			r.tr.observe(a, ts)
		}
		// What a server's group appends: a recording rule's output, an
		// alerting rule's ALERTS series (kept only when a rule reads them).
		if err == nil && (!isAlert || rl.written) {
			rec.add(out)
			rl.markStale(rec, out, ts.Add(-off))
		}
	}
	if len(rec.m) == 0 {
		return nil
	}
	return r.record(rl, rec.m)
}

// checkTemplates checks, before Eval expands them, that the templates of
// an alerting rule stay within the budget for the alerts of v, its query's
// result at t.
func (r *runner) checkTemplates(ctx context.Context, rl *rule, v promql.Vector, t time.Time) error {
	if rl.templates == nil || len(v) == 0 {
		return nil
	}
	ex := rl.templates.Check(ctx, v, t, template.QueryFunc(r.instant), r.opts.ExternalURL, r.opts.MaxTemplateBytes)
	if ex == nil {
		return nil
	}
	return &Error{Kind: ErrTemplate, Range: rl.pos, Rule: rl.r.Name(),
		Msg: fmt.Sprintf("the template of %s %s for one evaluation at %s (--max-template-bytes)", ex.Template, ex.Exceeded.Error(), fmtTime(t.Add(rl.group.g.QueryOffset())))}
}

func (r *runner) checkSeries(rl *rule, n int, times []time.Time) error {
	if r.opts.MaxSeries <= 0 || n <= r.opts.MaxSeries {
		return nil
	}
	return &Error{Kind: ErrTooManySeries, Range: rl.pos, Rule: rl.r.Name(),
		Msg: fmt.Sprintf("its query returned %d series between %s and %s, more than --max-series %d", n, fmtTime(times[0]), fmtTime(times[len(times)-1]), r.opts.MaxSeries)}
}

// record writes a recording rule's output to the source.
func (r *runner) record(rl *rule, m promql.Matrix) error {
	err := r.src.Record(m)
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) || e.Kind != ErrCannotRecord {
		return &Error{Kind: ErrSource, Range: rl.pos, Rule: rl.r.Name(), Msg: "cannot store its output", Err: err}
	}
	if readers := r.rs.readers(rl); len(readers) > 0 {
		return &Error{Kind: ErrCannotRecord, Range: readers[0].pos, Rule: readers[0].r.Name(),
			Msg: fmt.Sprintf("reads what %q writes (the rule at %s), and this source cannot store rule output the server does not have; use --tsdb or --remote-read", rl.r.Name(), rl.pos)}
	}
	r.skip[rl] = true
	r.warnings = append(r.warnings, fmt.Sprintf("%s: recording rule %q skipped: the source cannot record, and no rule reads it", rl.pos, rl.r.Name()))
	return nil
}

// evalError reports whether err is an error of evaluating the expression
// (which a server logs for one evaluation and goes on), rather than of the
// source, a limit, a timeout or a cancellation (which end the run).
func evalError(err error) bool {
	var (
		be *Error
		te promql.ErrQueryTimeout
		ce promql.ErrQueryCanceled
		se promql.ErrStorage
	)
	switch {
	case errors.As(err, &be), errors.As(err, &te), errors.As(err, &ce), errors.As(err, &se),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	var ts promql.ErrTooManySamples
	return !errors.As(err, &ts)
}

func (r *runner) queryError(rl *rule, err error) error {
	var e *Error
	if errors.As(err, &e) {
		if e.Rule == "" {
			e.Rule, e.Range = rl.r.Name(), rl.pos
		}
		return e
	}
	return &Error{Kind: ErrQuery, Range: rl.pos, Rule: rl.r.Name(), Msg: "its query failed", Err: err}
}

func (r *runner) warn(rl *rule, ts time.Time, err error) {
	const maxWarnings = 100
	if len(r.warnings) < maxWarnings {
		r.warnings = append(r.warnings, fmt.Sprintf("%s: rule %q at %s: %v", rl.pos, rl.r.Name(), fmtTime(ts), err))
	}
}

// instant answers a query other than the rule's own (one a template
// makes) with a one-step range query: the instant query at t.
func (r *runner) instant(ctx context.Context, q string, t time.Time) (promql.Vector, error) {
	m, err := r.src.QueryRange(ctx, q, t, t, time.Second)
	if err != nil {
		return nil, err
	}
	return byStep(m, t, time.Second, 1)[0], nil
}

// byStep turns a range query's matrix into the vector at each step.
func byStep(m promql.Matrix, start time.Time, step time.Duration, n int) []promql.Vector {
	out := make([]promql.Vector, n)
	s0, st := start.UnixMilli(), step.Milliseconds()
	for _, s := range m {
		for _, p := range s.Floats {
			if i := (p.T - s0) / st; i >= 0 && i < int64(n) {
				out[i] = append(out[i], promql.Sample{Metric: s.Metric, T: p.T, F: p.F})
			}
		}
		for _, p := range s.Histograms {
			if i := (p.T - s0) / st; i >= 0 && i < int64(n) {
				out[i] = append(out[i], promql.Sample{Metric: s.Metric, T: p.T, H: p.H})
			}
		}
	}
	return out
}

// markStale adds to rec a stale marker at t for each series the recording
// rule returned at its previous evaluation and not in out, as a server's
// rule group writes them: readers stop seeing the series at once instead
// of for the lookback delta. A failed evaluation writes none and keeps the
// previous series, as on a server.
func (rl *rule) markStale(rec *recorded, out promql.Vector, t time.Time) {
	seen := make(map[uint64]labels.Labels, len(out))
	for _, s := range out {
		seen[s.Metric.Hash()] = s.Metric
	}
	for h, l := range rl.prev {
		if _, ok := seen[h]; !ok {
			rec.add(promql.Vector{{Metric: l, T: t.UnixMilli(), F: math.Float64frombits(value.StaleNaN)}})
		}
	}
	rl.prev = seen
}

// recorded gathers a recording rule's output vectors into a matrix.
type recorded struct {
	m     promql.Matrix
	index map[uint64]int
}

func newRecorded() *recorded { return &recorded{index: map[uint64]int{}} }

func (rc *recorded) add(v promql.Vector) {
	for _, s := range v {
		h := s.Metric.Hash()
		i, ok := rc.index[h]
		if !ok {
			i = len(rc.m)
			rc.index[h] = i
			rc.m = append(rc.m, promql.Series{Metric: s.Metric})
		}
		if s.H != nil {
			rc.m[i].Histograms = append(rc.m[i].Histograms, promql.HPoint{T: s.T, H: s.H})
		} else {
			rc.m[i].Floats = append(rc.m[i].Floats, promql.FPoint{T: s.T, F: s.F})
		}
	}
}

// lookback is how long before a window's end recorded samples may still
// be read: the longest reach back of any rule's expression (ranges,
// offsets, lookback) plus its group's query offset and interval; -1 when
// an expression reaches to fixed times (@), so nothing is dropped.
func (rs *RuleSet) lookback(delta time.Duration) time.Duration {
	var maxBack time.Duration
	t := time.Unix(1e9, 0)
	for _, g := range rs.groups {
		for _, rl := range g.rules {
			if usesAt(rl.r.Query()) {
				return -1
			}
			stmt := &parser.EvalStmt{Expr: rl.r.Query(), Start: t, End: t, LookbackDelta: delta}
			mint, _ := promql.FindMinMaxTime(stmt)
			back := t.Sub(time.UnixMilli(mint)) + g.g.QueryOffset() + g.g.Interval()
			maxBack = max(maxBack, back)
		}
	}
	return maxBack
}

// usesStartEnd reports whether e uses @ start() or @ end(), which a range
// query reads as the range's bounds and an instant query as its time.
func usesStartEnd(e parser.Expr) bool {
	found := false
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			found = found || n.StartOrEnd != 0
		case *parser.SubqueryExpr:
			found = found || n.StartOrEnd != 0
		}
		return nil
	})
	return found
}

// usesAt reports whether e reads at a fixed time (@ with a timestamp); @
// start() and @ end() are the evaluation time in an instant query.
func usesAt(e parser.Expr) bool {
	at := false
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			at = at || n.Timestamp != nil
		case *parser.SubqueryExpr:
			at = at || n.Timestamp != nil
		}
		return nil
	})
	return at
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (r *runner) report() *Report {
	eps := r.tr.episodes(r.opts.From)
	return &Report{
		From: r.opts.From, To: r.opts.To,
		Episodes: eps,
		Alerts:   stats(r.rs.Alerts(), eps, r.opts.From, r.opts.To, r.opts.FlapWindow),
		Warnings: r.warnings,
	}
}

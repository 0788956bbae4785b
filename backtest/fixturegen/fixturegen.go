// Package fixturegen turns one episode of a backtest into a rulecheck
// fixture (format rulecheck/v1): the series the alert's expression reads,
// taken from the recorded data around the episode at the alert group's
// evaluation interval, and the timeline of the alerts that replaying those
// series gives. The timeline comes from replaying the generated input with
// rulecheck's own harness (Prometheus's rule evaluation), so the fixture
// passes `rulecheck test` as written; the recorded episode's times are kept
// in a comment, and Result says whether the replay reproduces them.
package fixturegen

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
)

// Request says which episode to turn into a fixture and where it goes.
type Request struct {
	// Episode is the episode, as the backtest reported it.
	Episode backtest.Episode
	// RuleFiles are the rule files the backtest ran; the alert is looked
	// up in them (the first rule of that name).
	RuleFiles []string
	// Out is the path the fixture will be written to: rule_files are
	// written relative to its directory.
	Out string
	// Source names the data in the fixture's comment.
	Source string
	// EvaluationInterval is the interval of groups that set none (default
	// 1m); RangeEnd the end of the backtest (an episode still active at
	// the end is cut there).
	EvaluationInterval time.Duration
	RangeEnd           time.Time
}

// Result is a generated fixture.
type Result struct {
	// Content is the fixture file.
	Content []byte
	// Series is how many input series it holds.
	Series int
	// Reproduced reports whether replaying the fixture gives the recorded
	// episode at the recorded times.
	Reproduced bool
}

// alertRule is the rule an episode belongs to.
type alertRule struct {
	expr     parser.Expr
	static   labels.Labels
	interval time.Duration
	hold     time.Duration
	file     string
}

// Generate builds the fixture from src (the source the backtest read).
func Generate(ctx context.Context, src backtest.Source, req Request) (*Result, error) {
	if req.EvaluationInterval <= 0 {
		req.EvaluationInterval = time.Minute
	}
	rule, err := findRule(req)
	if err != nil {
		return nil, err
	}
	start, end := window(req, rule)
	all, err := readSeries(ctx, src, rule, start, end)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, &backtest.Error{Kind: backtest.ErrNoData, Rule: req.Episode.Alert,
			Msg: fmt.Sprintf("its selectors match no series between %s and %s", fmtTime(start), fmtTime(end))}
	}
	// First only the series that agree with the episode's labels; if the
	// replay then misses the recorded episode, all the series read.
	var res *Result
	for _, set := range []promql.Matrix{narrow(all, req.Episode.Labels, rule.static), all} {
		if len(set) == 0 {
			continue
		}
		res, err = build(req, rule, set, start, end)
		if err != nil || res.Reproduced {
			return res, err
		}
	}
	return res, nil
}

func findRule(req Request) (*alertRule, error) {
	for _, path := range req.RuleFiles {
		f, err := rulefile.Load(path, rulefile.Options{})
		if err != nil {
			return nil, &backtest.Error{Kind: backtest.ErrRuleFile, Msg: "cannot load the rule file", Err: err}
		}
		for _, g := range f.Groups {
			for _, r := range g.Rules {
				if r.Alert != req.Episode.Alert {
					continue
				}
				expr, err := promqlparser.New(parser.Options{}).ParseExpr(r.Expr)
				if err != nil {
					return nil, &backtest.Error{Kind: backtest.ErrRuleFile, Rule: r.Alert, Msg: "cannot parse its expression", Err: err}
				}
				iv := time.Duration(g.Interval)
				if iv == 0 {
					iv = req.EvaluationInterval
				}
				return &alertRule{expr: expr, static: labels.FromMap(r.Labels), interval: iv,
					hold: time.Duration(r.For) + time.Duration(r.KeepFiringFor), file: path}, nil
			}
		}
	}
	return nil, &backtest.Error{Kind: backtest.ErrUsage, Msg: fmt.Sprintf("no alerting rule %q in the rule files", req.Episode.Alert)}
}

// lead is how much data before the episode the fixture holds: enough for
// the longest range the expression reads, the lookback and the for.
func lead(r *alertRule) time.Duration {
	longest := time.Duration(0)
	parser.Inspect(r.expr, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.MatrixSelector:
			longest = max(longest, n.Range)
		case *parser.SubqueryExpr:
			longest = max(longest, n.Range)
		}
		return nil
	})
	return longest + 5*time.Minute + r.hold + 2*r.interval
}

// window returns the fixture's range: from a group evaluation time early
// enough before the episode to its end and a few evaluations more.
func window(req Request, r *alertRule) (start, end time.Time) {
	ep := req.Episode
	first := ep.Pending
	if first.IsZero() {
		first = ep.Firing
	}
	steps := (lead(r) + r.interval - 1) / r.interval
	start = first.Add(-steps * r.interval)
	last := ep.Resolved
	if last.IsZero() {
		last = req.RangeEnd
		if last.IsZero() || last.Sub(first) > 6*time.Hour {
			last = first.Add(6 * time.Hour)
		}
	}
	end = last.Add(3 * r.interval)
	return start, end
}

// readSeries reads every series a selector of the expression matches,
// each at the group's evaluation times (the value an instant query sees
// there).
func readSeries(ctx context.Context, src backtest.Source, r *alertRule, start, end time.Time) (promql.Matrix, error) {
	var sels []string
	parser.Inspect(r.expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			s := (&parser.VectorSelector{LabelMatchers: vs.LabelMatchers}).String()
			if !slices.Contains(sels, s) {
				sels = append(sels, s)
			}
		}
		return nil
	})
	seen := map[uint64]bool{}
	var out promql.Matrix
	for _, s := range sels {
		m, err := src.QueryRange(ctx, s, start, end, r.interval)
		if err != nil {
			return nil, err
		}
		for _, series := range m {
			if h := series.Metric.Hash(); !seen[h] {
				seen[h] = true
				out = append(out, series)
			}
		}
	}
	slices.SortFunc(out, func(a, b promql.Series) int { return labels.Compare(a.Metric, b.Metric) })
	return out, nil
}

// narrow keeps the series whose labels agree with the episode's on every
// label both have (the rule's own labels aside, which replace the series').
func narrow(m promql.Matrix, episode, static labels.Labels) promql.Matrix {
	var out promql.Matrix
	for _, s := range m {
		agree := true
		episode.Range(func(l labels.Label) {
			if static.Has(l.Name) || l.Name == labels.AlertName {
				return
			}
			if v := s.Metric.Get(l.Name); v != "" && v != l.Value {
				agree = false
			}
		})
		if agree {
			out = append(out, s)
		}
	}
	return out
}

// build writes the fixture for set, replays it for the timeline, and
// writes it again with the timeline.
func build(req Request, r *alertRule, set promql.Matrix, start, end time.Time) (*Result, error) {
	dir := filepath.Dir(req.Out)
	var files []string
	for _, f := range req.RuleFiles {
		rel, err := filepath.Rel(absDir(dir), absPath(f))
		if err != nil {
			rel = absPath(f)
		}
		files = append(files, filepath.ToSlash(rel))
	}
	steps := int(end.Sub(start) / r.interval)
	f := fixtureText{req: req, rule: r, files: files, start: start, steps: steps, set: set}
	draft, err := f.render(nil, false)
	if err != nil {
		return nil, err
	}
	timeline, err := replay(req.Out, draft)
	if err != nil {
		return nil, err
	}
	ok := reproduces(timeline, req.Episode, start)
	final, err := f.render(timeline, ok)
	if err != nil {
		return nil, err
	}
	if again, err := replay(req.Out, final); err != nil {
		return nil, err
	} else if !slices.EqualFunc(again, timeline, sameEpisode) {
		return nil, &backtest.Error{Kind: backtest.ErrSource, Msg: "the generated fixture replays differently the second time"}
	}
	return &Result{Content: final, Series: len(set), Reproduced: ok}, nil
}

func sameEpisode(a, b harness.Episode) bool { return a.String() == b.String() }

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func absDir(d string) string { return absPath(d) }

// replay runs the fixture with rulecheck's harness, as `rulecheck test`
// would at path, and returns its timeline. The draft is written beside the
// destination (so rule_files resolve) and removed.
func replay(out string, content []byte) ([]harness.Episode, error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".rulecheck-fixture-*.yaml")
	if err != nil {
		return nil, &backtest.Error{Kind: backtest.ErrUsage, Msg: "cannot write beside " + out, Err: err}
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(content)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, &backtest.Error{Kind: backtest.ErrUsage, Msg: "cannot write beside " + out, Err: err}
	}
	fr := harness.NewRunner(harness.Options{NoPrune: true, NoCatalog: true}).RunFile(tmp.Name())
	if fr.Err != nil {
		return nil, &backtest.Error{Kind: backtest.ErrSource, Msg: "the generated fixture does not run", Err: fr.Err}
	}
	if len(fr.Tests) != 1 || fr.Tests[0].History == nil {
		return nil, &backtest.Error{Kind: backtest.ErrSource, Msg: "the generated fixture did not replay"}
	}
	t := fr.Tests[0]
	for _, fl := range t.Failures {
		if !strings.Contains(fl.Message, "timeline") {
			return nil, &backtest.Error{Kind: backtest.ErrSource, Msg: "the generated fixture fails: " + fl.Message}
		}
	}
	return t.Timeline, nil
}

// reproduces reports whether the replayed timeline holds the recorded
// episode at the recorded times.
func reproduces(tl []harness.Episode, ep backtest.Episode, start time.Time) bool {
	want := labels.NewBuilder(ep.Labels).Del(labels.AlertName).Labels()
	for _, e := range tl {
		if e.Alert != ep.Alert || !labels.Equal(e.Labels, want) {
			continue
		}
		if !ep.Pending.IsZero() && !at(start, e.Pending).Equal(ep.Pending) {
			continue
		}
		if !sameTime(start, e.Firing, ep.Firing) || !sameTime(start, e.Resolved, ep.Resolved) {
			continue
		}
		return true
	}
	return false
}

func at(start time.Time, d time.Duration) time.Time { return start.Add(d).UTC() }

func sameTime(start time.Time, d *time.Duration, t time.Time) bool {
	if d == nil {
		return t.IsZero()
	}
	return !t.IsZero() && at(start, *d).Equal(t)
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func fmtDur(d time.Duration) string { return model.Duration(d).String() }

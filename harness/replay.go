package harness

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/rules"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/memstore"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
	"github.com/codevaldcortex/rulecheck/position"
)

// replay is the state of one test group's run: the storage, the engine, the
// rule groups and the simulated clock.
type replay struct {
	r     *Runner
	f     *Fixture
	tg    *TestGroup
	store *memstore.Store
	// engine is made by engineNow from engineOpts.
	engine     *promql.Engine
	engineOpts promql.EngineOpts
	groups     []*rules.Group
	series     []*fixture.Series
	// fed is, per input series, how many of its samples are in store.
	fed []int
	// start is the time of the first evaluation.
	start time.Time
	// record writes down what happens (record.go).
	record *recorder
	// mgrOpts are the rule manager's options, for groups rebuilt by prune.
	mgrOpts *rules.ManagerOptions
	// maxQuerySamples is the engine's per-query sample limit.
	maxQuerySamples int
	// horizon is, per rule, the last time (relative to start) its
	// evaluation can matter; nil when every rule runs to the end.
	horizon map[rules.Rule]time.Duration
	// origins maps the rule variants made by the annotation shortcut
	// (annotations.go) to the rules they stand for.
	origins map[rules.Rule]rules.Rule
	// templates are the alerting rules whose templates are checked
	// against the budget before they are expanded (templates.go).
	templates map[string][]*alertTemplates
}

var nopLogger = slog.New(slog.DiscardHandler)

// newReplay loads the test group's series and rule groups.
func (r *Runner) newReplay(f *Fixture, tg *TestGroup, res *TestResult) (*replay, error) {
	series, warnings, err := fixture.ExpandSeries(f, tg, r.opts.Limits.series())
	if err != nil {
		return nil, err
	}
	if r.opts.RecordOutputs {
		res.Inputs = inputOutputs(series, tg.Start)
	}
	if fc := r.catalogFor(f); fc.cat != nil {
		if problems := checkCatalog(fc.cat, f, tg); len(problems) > 0 {
			msgs := make([]error, len(problems), len(problems)+1)
			for i, p := range problems {
				msgs[i] = fmt.Errorf("%s", p.Message)
			}
			msgs = append(msgs, errors.New(fc.origin()))
			return nil, joinErrors(msgs)
		}
	}
	if r.opts.Strict && len(warnings) > 0 {
		res.BadInput = true
		for _, w := range warnings {
			res.fail(tg.Line, "strict: "+w)
		}
	}
	res.Warnings = append(res.Warnings, warnings...)
	rp := &replay{r: r, f: f, tg: tg, store: memstore.New(), series: series, fed: make([]int, len(series)), start: tg.Start}

	maxSamples := r.opts.Limits.MaxQuerySamples
	if maxSamples == 0 {
		maxSamples = promtoolMaxSamples
		if f.ServerSchedule {
			maxSamples = serverMaxSamples
		}
	}
	timeout := r.opts.Limits.QueryTimeout
	if timeout == 0 {
		timeout = promtoolQueryTimeout
	}
	subqueryStep := f.EvaluationInterval.Milliseconds()
	// The engine is made when first needed (engineNow): a replay that
	// pruning shows cannot change (WithRule) never needs one.
	rp.engineOpts = promql.EngineOpts{
		MaxSamples:               maxSamples,
		Timeout:                  timeout,
		NoStepSubqueryIntervalFn: func(int64) int64 { return subqueryStep },
		EnableAtModifier:         true,
		EnableNegativeOffset:     true,
		EnableDelayedNameRemoval: r.opts.EnableDelayedNameRemoval,
		Parser:                   r.parser(),
	}
	rp.maxQuerySamples = maxSamples
	// promtool gives groups without an interval the test group's interval; a
	// server gives them the global evaluation interval.
	defaultInterval := tg.Interval
	if f.ServerSchedule {
		defaultInterval = f.EvaluationInterval
	}
	// The rules as loaded, shared by all test groups with the same rule
	// files and default interval, and never evaluated: prune analyses them,
	// instantiate makes the rules the replay evaluates.
	rp.groups, err = r.prototypes(f, defaultInterval)
	if err != nil {
		return nil, err
	}
	rp.record = newRecorder(rp.start, rp.origin, r.loader.Unit)
	rp.origins = map[rules.Rule]rules.Rule{}
	return rp, nil
}

// prototypes returns the rule groups of the fixture's rule files, loaded
// by Prometheus's rule manager, in evaluation order. They are cached per
// rule file list and default interval; callers must not evaluate them.
func (r *Runner) prototypes(f *Fixture, defaultInterval time.Duration) ([]*rules.Group, error) {
	key := fmt.Sprintf("%q %d", f.RuleFiles, defaultInterval)
	r.protoMtx.Lock()
	defer r.protoMtx.Unlock()
	if p, ok := r.protos[key]; ok {
		return p.groups, p.err
	}
	var groups []*rules.Group
	var err error
	if r.sub != nil && !r.opts.NoSharing {
		groups, err = r.sub.prototypes(r, f, defaultInterval)
	} else {
		groups, err = r.loadPrototypes(f, defaultInterval)
	}
	if r.protos == nil {
		r.protos = map[string]protoGroups{}
	}
	r.protos[key] = protoGroups{groups, err}
	return groups, err
}

// loadPrototypes loads the rule groups of the fixture's rule files with
// Prometheus's rule manager, in evaluation order.
func (r *Runner) loadPrototypes(f *Fixture, defaultInterval time.Duration) ([]*rules.Group, error) {
	groupsMap, err := r.loadGroups(r.loader, defaultInterval, r.unitIDs(f.RuleFiles))
	if err != nil {
		return nil, err
	}
	return r.orderGroups(f, groupsMap)
}

// loadGroups loads the rule groups of files (rulefile.Unit IDs) from
// loader, as Prometheus's rule manager does, keyed by rules.GroupKey.
func (r *Runner) loadGroups(loader rules.GroupLoader, defaultInterval time.Duration, files []string) (map[string]*rules.Group, error) {
	m := rules.NewManager(&rules.ManagerOptions{
		Context:     context.Background(),
		Logger:      nopLogger,
		GroupLoader: loader,
		Parser:      r.parser(),
		Metrics:     r.ruleMetrics,
		QueryFunc:   func(context.Context, string, time.Time) (promql.Vector, error) { return nil, nil },
		NotifyFunc:  func(context.Context, string, ...*rules.Alert) {},
	})
	groupsMap, errs := m.LoadGroups(defaultInterval, labels.EmptyLabels(), "", nil, r.opts.IgnoreUnknownFields, files...)
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	return groupsMap, nil
}

type protoGroups struct {
	groups []*rules.Group
	err    error
}

// Defaults of promtool's test engine and of a Prometheus server.
const (
	promtoolMaxSamples   = 10000
	serverMaxSamples     = 50000000
	promtoolQueryTimeout = 100 * time.Second
)

// unitIDs returns what the rule manager loads for the rule files: each
// file, or each PrometheusRule of a file that holds several (the operator
// writes each to a rule file of its own, so their groups may share a
// name). A file that fails to load is passed as it is, for the rule
// manager to report.
func (r *Runner) unitIDs(files []string) []string {
	var ids []string
	for _, fn := range files {
		units, err := r.loader.Units(fn)
		if err != nil {
			ids = append(ids, fn)
			continue
		}
		for _, u := range units {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

// orderGroups returns the loaded groups in file order: rule files in the
// order the fixture lists them, groups in the order each file writes them.
// group_eval_order then moves the groups it names, as promtool does: groups it
// names are ranked by their position in it, every other group ranks with the
// first one (promtool breaks those ties at random; file order is one of the
// orders it may pick). A name shared by groups of several PrometheusRules
// ranks all of them, as promtool ranks groups of one name in several files.
func (r *Runner) orderGroups(f *Fixture, groupsMap map[string]*rules.Group) ([]*rules.Group, error) {
	var out []*rules.Group
	for _, fn := range f.RuleFiles {
		file, err := r.loader.File(fn)
		if err != nil {
			return nil, err
		}
		for _, g := range file.Groups {
			key := rules.GroupKey(file.UnitOf(g).ID, g.Name)
			if grp, ok := groupsMap[key]; ok {
				out = append(out, grp)
				delete(groupsMap, key)
			}
		}
	}
	rank := map[string]int{}
	for i, name := range f.GroupEvalOrder {
		if _, dup := rank[name]; dup {
			return nil, &fixture.Error{Range: position.At(f.Path, 0, 0), Msg: fmt.Sprintf("group name repeated in evaluation order: %s", name)}
		}
		rank[name] = i
	}
	slices.SortStableFunc(out, func(a, b *rules.Group) int { return cmp.Compare(rank[a.Name()], rank[b.Name()]) })
	return out, nil
}

// appendTill makes the input samples up to ts visible, as promtool's lazy
// loader does before each evaluation: queries never see the future, as on a
// real server.
func (rp *replay) appendTill(ts time.Time) error {
	till := ts.UnixNano() / int64(time.Millisecond)
	app := rp.store.AppenderV2(context.Background())
	for i, s := range rp.series {
		for rp.fed[i] < len(s.Samples) && s.Samples[rp.fed[i]].Ts <= till {
			smp := s.Samples[rp.fed[i]]
			if _, err := app.Append(0, s.Labels, 0, smp.Ts, smp.V, smp.Hist, smp.FHist, appendOpts); err != nil {
				_ = app.Rollback()
				return fmt.Errorf("input series %s at %s: %w", s.Labels, fixture.FormatDuration(time.Duration(smp.Ts)*time.Millisecond-time.Duration(rp.start.UnixNano())), err)
			}
			rp.fed[i]++
		}
	}
	return app.Commit()
}

// overTime reports, with a failure, whether the replay has run longer than
// Limits.TestTimeout.
func (rp *replay) overTime(res *TestResult, began time.Time, at time.Time) bool {
	if dl := rp.r.opts.Limits.Deadline; !dl.IsZero() && time.Now().After(dl) {
		res.BadInput = true
		res.fail(rp.tg.Line, fmt.Sprintf("test %q was stopped before the evaluation at %s: the run reached its time limit (--timeout)", rp.tg.Name, fixture.FormatDuration(at.Sub(rp.start))))
		return true
	}
	lim := rp.r.opts.Limits.TestTimeout
	if lim <= 0 || time.Since(began) <= lim {
		return false
	}
	res.BadInput = true
	res.fail(rp.tg.Line, fmt.Sprintf("test %q ran longer than the limit of %s (--test-timeout) and was stopped before the evaluation at %s", rp.tg.Name, lim, fixture.FormatDuration(at.Sub(rp.start))))
	return true
}

// evalGroup evaluates one rule group at ts and records alert state changes.
// It returns the rule errors of that evaluation.
func (rp *replay) evalGroup(ctx context.Context, g *rules.Group, ts time.Time) []error {
	g.Eval(ctx, ts)
	rp.record.evaluated(g, ts)
	var errs []error
	for _, rule := range g.Rules() {
		if err := rule.LastError(); err != nil {
			errs = append(errs, fmt.Errorf("    rule: %s, time: %s, err: %w", textsafe.Escape(rule.Name()), fixture.FormatDuration(ts.Sub(time.Unix(0, 0).UTC())), err))
		}
	}
	return errs
}

// query runs an instant query as promtool's promql_expr_test does.
func (rp *replay) query(ctx context.Context, expr string, ts time.Time) (promql.Vector, error) {
	q, err := rp.engineNow().NewInstantQuery(ctx, rp.store, nil, expr, ts)
	if err != nil {
		return nil, err
	}
	res := q.Exec(ctx)
	if res.Err != nil {
		return nil, res.Err
	}
	switch v := res.Value.(type) {
	case promql.Vector:
		return v, nil
	case promql.Scalar:
		return promql.Vector{promql.Sample{T: v.T, F: v.V, Metric: labels.Labels{}}}, nil
	default:
		return nil, fmt.Errorf("rule result is not a vector or scalar")
	}
}

// firingAlerts returns the firing alerts of every alerting rule named name,
// across all groups.
func (rp *replay) firingAlerts(names map[string]struct{}) map[string]labelsAndAnnotations {
	got := map[string]labelsAndAnnotations{}
	for _, g := range rp.groups {
		for _, rule := range g.Rules() {
			ar, ok := rule.(*rules.AlertingRule)
			if !ok {
				continue
			}
			if _, ok := names[ar.Name()]; !ok {
				continue
			}
			var alerts labelsAndAnnotations
			for _, a := range ar.ActiveAlerts() {
				if a.State == rules.StateFiring {
					alerts = append(alerts, labelAndAnnotation{Labels: a.Labels.Copy(), Annotations: a.Annotations.Copy()})
				}
			}
			got[ar.Name()] = append(got[ar.Name()], alerts...)
		}
	}
	return got
}

// engineNow returns the replay's engine, made on first use, and sets the
// rule manager's options that use it (with the template check of
// templates.go over the loaded rules).
func (rp *replay) engineNow() *promql.Engine {
	if rp.engine != nil {
		return rp.engine
	}
	rp.engine = promql.NewEngine(rp.engineOpts)
	rp.mgrOpts = &rules.ManagerOptions{
		QueryFunc:    rules.EngineQueryFunc(rp.engine, rp.store),
		AppendableV2: rp.store,
		Queryable:    rp.store,
		Context:      context.Background(),
		NotifyFunc:   func(context.Context, string, ...*rules.Alert) {},
		Logger:       nopLogger,
		GroupLoader:  rp.r.loader,
		Parser:       rp.r.parser(),
		// The rule manager's own metrics are never read; sharing one set
		// across test groups saves registering every group's label values
		// again for each of them.
		Metrics: rp.r.ruleMetrics,
	}
	rp.indexTemplates()
	rp.mgrOpts.QueryFunc = rp.boundedQueryFunc(rp.mgrOpts.QueryFunc, rp.mgrOpts.ExternalURL)
	return rp.engine
}

func (rp *replay) close() {
	if rp.engine != nil {
		_ = rp.engine.Close()
	}
}

// inputOutputs lists the input series as --debug shows them, times
// relative to the start; a histogram sample is NaN.
func inputOutputs(series []*fixture.Series, start time.Time) []SeriesOutput {
	out := make([]SeriesOutput, len(series))
	for i, s := range series {
		so := SeriesOutput{Labels: s.Labels}
		for _, smp := range s.Samples {
			v := smp.V
			if smp.FHist != nil {
				v = math.NaN()
			}
			so.At = append(so.At, time.UnixMilli(smp.Ts).Sub(start))
			so.Values = append(so.Values, v)
		}
		out[i] = so
	}
	return out
}

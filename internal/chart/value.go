package chart

import (
	"context"
	"math"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/memstore"
)

// maxValueSeries bounds the value rows drawn for one alert.
const maxValueSeries = 6

// values returns the threshold of an expression that compares a vector
// with a scalar, and the value of its vector side (or of the whole
// expression) at each instant, computed by Prometheus's engine over the
// test group's input series and recorded rule outputs. It draws what the
// replay saw; no verdict reads it.
func (b *Builder) values(expr parser.Expr, tr *harness.TestResult, at []time.Duration) (*Threshold, []Series) {
	th, side := threshold(expr)
	if len(at) == 0 {
		return th, nil
	}
	store := storeOf(tr)
	eng := promql.NewEngine(promql.EngineOpts{MaxSamples: 50_000_000, Timeout: time.Minute, LookbackDelta: 5 * time.Minute, EnableAtModifier: true, EnableNegativeOffset: true, Parser: b.parser()})
	defer eng.Close()
	rows := map[string]*Series{}
	var order []string
	var lsets []labels.Labels
	for _, t := range at {
		q, err := eng.NewInstantQuery(context.Background(), store, nil, side.String(), time.UnixMilli(0).Add(t))
		if err != nil {
			return th, nil
		}
		res := q.Exec(context.Background())
		vec, _ := res.Vector()
		if sc, err := res.Scalar(); err == nil {
			vec = promql.Vector{{F: sc.V}}
		}
		seen := map[string]bool{}
		for _, s := range vec {
			k := s.Metric.String()
			seen[k] = true
			r := rows[k]
			if r == nil {
				if len(order) == maxValueSeries {
					continue
				}
				r = &Series{}
				rows[k] = r
				order = append(order, k)
				lsets = append(lsets, s.Metric)
			}
			v := s.F
			if s.H != nil {
				v = math.NaN()
			}
			r.At = append(r.At, t)
			r.Values = append(r.Values, v)
		}
		q.Close()
		// A series absent at an instant has no value there.
		for k, r := range rows {
			if !seen[k] {
				r.At = append(r.At, t)
				r.Values = append(r.Values, math.NaN())
			}
		}
	}
	out := make([]Series, len(order))
	names := shortNames(lsets)
	for i, k := range order {
		out[i] = *rows[k]
		out[i].Name = names[i]
	}
	return th, out
}

// threshold splits "vector OP scalar" (either way round, without bool).
func threshold(expr parser.Expr) (*Threshold, parser.Expr) {
	for {
		p, ok := expr.(*parser.ParenExpr)
		if !ok {
			break
		}
		expr = p.Expr
	}
	be, ok := expr.(*parser.BinaryExpr)
	if !ok || !be.Op.IsComparisonOperator() || be.ReturnBool {
		return nil, expr
	}
	if n, ok := number(be.RHS); ok && be.LHS.Type() == parser.ValueTypeVector {
		return &Threshold{Op: be.Op.String(), Value: n}, be.LHS
	}
	if n, ok := number(be.LHS); ok && be.RHS.Type() == parser.ValueTypeVector {
		return &Threshold{Op: be.Op.String(), Value: n, ScalarLeft: true}, be.RHS
	}
	return nil, expr
}

func number(e parser.Expr) (float64, bool) {
	for {
		p, ok := e.(*parser.ParenExpr)
		if !ok {
			break
		}
		e = p.Expr
	}
	n, ok := e.(*parser.NumberLiteral)
	if !ok {
		return 0, false
	}
	return n.Val, true
}

// storeOf loads the input series and recorded outputs of a test group,
// on a clock that starts at 0.
func storeOf(tr *harness.TestResult) storage.Queryable {
	st := memstore.New()
	app := st.AppenderV2(context.Background())
	add := func(so harness.SeriesOutput) {
		for i, t := range so.At {
			// Stale markers end a series as in the replay; histograms
			// (NaN here) are not drawn.
			if math.IsNaN(so.Values[i]) && !value.IsStaleNaN(so.Values[i]) {
				continue
			}
			_, _ = app.Append(0, so.Labels, 0, t.Milliseconds(), so.Values[i], nil, nil, storage.AppendV2Options{})
		}
	}
	for _, so := range tr.Inputs {
		add(so)
	}
	for _, rh := range tr.History.Rules {
		for _, so := range rh.Output {
			add(so)
		}
	}
	_ = app.Commit()
	return st
}

// SplitThreshold splits "vector OP scalar" (either way round, without
// bool) into the threshold and the vector side; otherwise it returns no
// threshold and the expression itself.
func SplitThreshold(expr parser.Expr) (*Threshold, parser.Expr) { return threshold(expr) }

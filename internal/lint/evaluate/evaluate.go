// Package evaluate runs a linted expression once with Prometheus's own
// PromQL engine, over synthetic series shaped from the metric catalog, and
// returns the info and warning annotations the engine gives. It is not a
// check: the engine checks (engine/info, engine/warning) report what it
// finds, and share one evaluation per expression.
package evaluate

import (
	"context"
	"errors"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/parser/posrange"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/util/annotations"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/memstore"
)

// Annotation is one info or warning annotation the engine returned.
type Annotation struct {
	Warning bool
	Msg     string
	// Offset is the byte offset in the expression's query the annotation
	// points at, -1 when it points at none.
	Offset int
}

// defaultBuckets are client_golang's prometheus.DefBuckets, used for
// synthetic histograms.
var defaultBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Annotations is the engine's annotations for an expression, evaluated
// once per project and expression.
var Annotations = &lint.Shared[*lint.Expr, []Annotation]{Name: "engine annotations", Compute: run}

// engine is the project's PromQL engine.
var engine = &lint.Shared[struct{}, *promql.Engine]{Name: "PromQL engine", Compute: func(p *lint.Project, _ struct{}) *promql.Engine {
	return promql.NewEngine(promql.EngineOpts{
		MaxSamples:               5_000_000,
		Timeout:                  10 * time.Second,
		LookbackDelta:            5 * time.Minute,
		NoStepSubqueryIntervalFn: func(int64) int64 { return time.Minute.Milliseconds() },
		EnableAtModifier:         true,
		EnableNegativeOffset:     true,
		Parser:                   p.Parser,
	})
}}

// maxSyntheticSamples bounds the samples of one synthetic series: a
// catalog's scrape interval of 1ms over the two days evaluated would ask for
// 172 million.
const maxSyntheticSamples = 10_000

// syntheticStep is the scrape interval, coarsened so that a series over
// [0, evalAt] has at most maxSyntheticSamples samples.
func syntheticStep(scrape, evalAt time.Duration) time.Duration {
	return max(scrape, evalAt/maxSyntheticSamples, time.Millisecond)
}

// run evaluates an expression once over synthetic series and returns the
// engine's annotations.
func run(p *lint.Project, e *lint.Expr) []Annotation {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	evalAt := lookback(e.AST) + 2*time.Hour
	evalAt = min(evalAt, 48*time.Hour)
	store := memstore.New()
	app := store.AppenderV2(ctx)
	seen := map[uint64]bool{}
	for _, sp := range lint.Selectors(e.AST) {
		s := p.Selector(sp.VS)
		if !s.Known {
			continue
		}
		step := syntheticStep(p.Catalog.ScrapeInterval(s.Series, s.Jobs...), evalAt)
		for _, sr := range syntheticSeries(p, s) {
			if seen[sr.lset.Hash()] {
				continue
			}
			seen[sr.lset.Hash()] = true
			n := int(evalAt / step)
			for i := 0; i <= n; i++ {
				t := time.Duration(i) * step
				_, _ = app.Append(0, sr.lset, 0, t.Milliseconds(), sr.value(i), nil, nil, storage.AppendV2Options{})
			}
		}
	}
	if err := app.Commit(); err != nil {
		return nil
	}
	q, err := engine.Get(p, struct{}{}).NewInstantQuery(ctx, store, nil, e.Query, time.UnixMilli(0).Add(evalAt))
	if err != nil {
		return nil
	}
	defer q.Close()
	res := q.Exec(ctx)
	var out []Annotation
	for _, w := range res.Warnings {
		a := Annotation{Warning: !errors.Is(w, annotations.PromQLInfo), Msg: w.Error(), Offset: -1}
		a.Msg = strings.TrimPrefix(strings.TrimPrefix(a.Msg, "PromQL info: "), "PromQL warning: ")
		if pr, ok := positionOf(w); ok {
			a.Offset = int(pr.Start)
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Offset != out[j].Offset {
			return out[i].Offset < out[j].Offset
		}
		return out[i].Msg < out[j].Msg
	})
	return out
}

// positionOf reads the PositionRange of an annotation error; the type that
// holds it is unexported, its field is not.
func positionOf(err error) (posrange.PositionRange, bool) {
	v := reflect.ValueOf(err)
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return posrange.PositionRange{}, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return posrange.PositionRange{}, false
	}
	f := v.FieldByName("PositionRange")
	if !f.IsValid() || !f.CanInterface() {
		return posrange.PositionRange{}, false
	}
	pr, ok := f.Interface().(posrange.PositionRange)
	return pr, ok
}

// lookback is how far back from the evaluation time an expression reads.
func lookback(e parser.Expr) time.Duration {
	var longest time.Duration
	lint.Inspect(e, func(n parser.Node, path []parser.Node) {
		var d time.Duration
		switch n := n.(type) {
		case *parser.MatrixSelector:
			d = n.Range
		case *parser.SubqueryExpr:
			d = n.Range + n.OriginalOffset
		case *parser.VectorSelector:
			d = n.OriginalOffset
		}
		for _, a := range path {
			switch a := a.(type) {
			case *parser.SubqueryExpr:
				d += a.Range + a.OriginalOffset
			}
		}
		longest = max(longest, d)
	})
	return longest
}

type synthetic struct {
	lset  labels.Labels
	value func(i int) float64
}

// syntheticSeries makes series of a metric that match a selector's
// matchers where they can: counters that increase, gauges that move,
// histogram buckets with le.
func syntheticSeries(p *lint.Project, s lint.Selector) []synthetic {
	names, _ := p.Catalog.Labels(s.Series)
	byName := map[string][]*labels.Matcher{}
	for _, m := range s.VS.LabelMatchers {
		byName[m.Name] = append(byName[m.Name], m)
	}
	b := labels.NewBuilder(labels.EmptyLabels())
	b.Set(labels.MetricName, s.Name)
	defaults := map[string]string{"instance": "10.0.0.1:9090"}
	if len(s.Series.Metric.Jobs) > 0 {
		defaults["job"] = s.Series.Metric.Jobs[0]
	}
	for _, n := range names {
		if n == "le" || n == "quantile" {
			continue
		}
		b.Set(n, labelValue(n, defaults[n], byName[n]))
	}
	switch s.Series.Kind {
	case catalog.KindBucket:
		var out []synthetic
		bounds := append(append([]float64{}, defaultBuckets...), math.Inf(1))
		for k, ub := range bounds {
			le := strconv.FormatFloat(ub, 'f', -1, 64)
			if math.IsInf(ub, 1) {
				le = "+Inf"
			}
			if !matchesAll(le, byName["le"]) {
				continue
			}
			b.Set("le", le)
			k := k
			out = append(out, synthetic{lset: b.Labels(), value: func(i int) float64 { return float64(i * (k + 1)) }})
		}
		return out
	case catalog.KindQuantile:
		var out []synthetic
		for _, q := range []string{"0.5", "0.9", "0.99"} {
			if matchesAll(q, byName["quantile"]) {
				b.Set("quantile", q)
				out = append(out, synthetic{lset: b.Labels(), value: gauge})
			}
		}
		return out
	case catalog.KindCounter:
		return []synthetic{{lset: b.Labels(), value: func(i int) float64 { return float64(i) * 3 }}}
	case catalog.KindNone, catalog.KindNativeHistogram:
		return nil
	}
	return []synthetic{{lset: b.Labels(), value: gauge}}
}

func gauge(i int) float64 { return 50 + 10*math.Sin(float64(i)/10) }

// labelValue picks a value that the matchers on a label accept.
func labelValue(name, def string, ms []*labels.Matcher) string {
	var cands []string
	for _, m := range ms {
		switch m.Type {
		case labels.MatchEqual:
			cands = append(cands, m.Value)
		case labels.MatchRegexp:
			cands = append(cands, m.SetMatches()...)
			r := strings.Trim(m.Value, "^$")
			cands = append(cands, r, strings.NewReplacer(".*", "", ".+", "x", ".", "0", `\d`, "0", "\\", "").Replace(r))
		}
	}
	if def != "" {
		cands = append(cands, def)
	}
	cands = append(cands, name+"-1", "a", "1", "x")
	for _, c := range cands {
		if c != "" && matchesAll(c, ms) {
			return c
		}
	}
	return name + "-1"
}

func matchesAll(v string, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(v) {
			return false
		}
	}
	return true
}

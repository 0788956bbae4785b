package backtest

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"

	"github.com/codevaldcortex/rulecheck/internal/memstore"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
)

// LocalOptions tune the embedded PromQL engine of a local source. The zero
// value gives a Prometheus server's defaults.
type LocalOptions struct {
	// LookbackDelta is how far back an instant selector looks for a
	// sample; zero means Prometheus's default, 5m.
	LookbackDelta time.Duration
	// MaxSamples is the engine's per-query sample limit; zero means a
	// server's default, 50,000,000.
	MaxSamples int
	// Timeout bounds one query; zero means a server's default, 2m.
	Timeout time.Duration
	// Parser parses expressions; nil means Prometheus's default parser.
	Parser parser.Parser
	// MaxSeries fails a query one of whose selectors selects more series
	// (an *Error of kind ErrTooManySeries); zero means no limit.
	MaxSeries int
}

// Defaults of a Prometheus server.
const (
	defaultMaxSamples = 50_000_000
	defaultTimeout    = 2 * time.Minute
)

// local evaluates with the embedded engine over a queryable merged with an
// in-memory overlay holding the recorded series.
type local struct {
	engine *promql.Engine
	base   storage.Queryable
	// shadowed are the metric names the rule set records: the base's
	// series of those names (what the server recorded with its rules) are
	// hidden, so that queries read only what this run records.
	shadowed map[string]bool
	// gens hold the recorded series, one store per generation: Forget
	// drops the generations no later query reads and starts a new one.
	gens   []*generation
	merged storage.Queryable
}

type generation struct {
	store *memstore.Store
	// maxT is the latest sample time recorded into store.
	maxT int64
}

// NewLocal evaluates with the embedded PromQL engine over q (an opened TSDB,
// a remote-read client). The series recorded through Record are merged in.
func NewLocal(q storage.Queryable, opts LocalOptions) Source {
	if opts.MaxSamples == 0 {
		opts.MaxSamples = defaultMaxSamples
	}
	if opts.Timeout == 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.Parser == nil {
		opts.Parser = promqlparser.New(parser.Options{})
	}
	l := &local{base: q, gens: []*generation{{store: memstore.New(), maxT: math.MinInt64}}}
	l.engine = promql.NewEngine(promql.EngineOpts{
		MaxSamples:           opts.MaxSamples,
		Timeout:              opts.Timeout,
		LookbackDelta:        opts.LookbackDelta,
		EnableAtModifier:     true,
		EnableNegativeOffset: true,
		Parser:               opts.Parser,
	})
	l.merged = storage.QueryableFunc(l.querier)
	if opts.MaxSeries > 0 {
		l.merged = limitSeries(l.merged, opts.MaxSeries)
	}
	return l
}

// querier merges the base data with the overlay, as Prometheus's fanout
// storage merges its local and remote data.
func (l *local) querier(mint, maxt int64) (storage.Querier, error) {
	bq, err := l.base.Querier(mint, maxt)
	if err != nil {
		return nil, err
	}
	if len(l.shadowed) > 0 {
		bq = &shadowQuerier{Querier: bq, names: l.shadowed}
	}
	qs := []storage.Querier{bq}
	for _, g := range l.gens {
		if g.store.NumSeries() == 0 {
			continue
		}
		gq, _ := g.store.Querier(mint, maxt)
		qs = append(qs, gq)
	}
	if len(qs) == 1 {
		return bq, nil
	}
	return storage.NewMergeQuerier(qs, nil, storage.ChainedSeriesMerge), nil
}

func (l *local) QueryRange(ctx context.Context, expr string, start, end time.Time, step time.Duration) (promql.Matrix, error) {
	q, err := l.engine.NewRangeQuery(ctx, l.merged, nil, expr, start, end, step)
	if err != nil {
		return nil, err
	}
	// q.Close would hand the result's points back to the engine's pool;
	// the caller owns the matrix, so the query is left to the collector.
	res := q.Exec(ctx)
	if res.Err != nil {
		return nil, res.Err
	}
	switch v := res.Value.(type) {
	case promql.Matrix:
		return v, nil
	default:
		return nil, &Error{Kind: ErrQuery, Msg: "range query returned a " + string(res.Value.Type()) + ", not a matrix"}
	}
}

func (l *local) Record(m promql.Matrix) error {
	g := l.gens[len(l.gens)-1]
	app := g.store.AppenderV2(context.Background())
	for _, s := range m {
		g.maxT = max(g.maxT, lastT(s))
		if err := appendSeries(app, s); err != nil {
			_ = app.Rollback()
			return err
		}
	}
	return app.Commit()
}

func (l *local) Close() error { return nil }

// Shadow hides the base's series with these metric names.
func (l *local) Shadow(names []string) {
	l.shadowed = map[string]bool{}
	for _, n := range names {
		l.shadowed[n] = true
	}
}

// shadowQuerier drops the series whose metric name is in names.
type shadowQuerier struct {
	storage.Querier
	names map[string]bool
}

func (q *shadowQuerier) Select(ctx context.Context, sortSeries bool, hints *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	for _, m := range ms {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual && q.names[m.Value] {
			return storage.EmptySeriesSet()
		}
	}
	return &shadowSet{SeriesSet: q.Querier.Select(ctx, sortSeries, hints, ms...), names: q.names}
}

type shadowSet struct {
	storage.SeriesSet
	names map[string]bool
}

func (s *shadowSet) Next() bool {
	for s.SeriesSet.Next() {
		if !s.names[s.At().Labels().Get(labels.MetricName)] {
			return true
		}
	}
	return false
}

// Forget drops the recorded samples before t that no later query reads,
// a generation at a time, and starts a new generation.
func (l *local) Forget(before time.Time) {
	b := before.UnixMilli()
	kept := l.gens[:0]
	for _, g := range l.gens {
		if g.maxT >= b {
			kept = append(kept, g)
		}
	}
	l.gens = append(kept, &generation{store: memstore.New(), maxT: math.MinInt64})
}

func lastT(s promql.Series) int64 {
	t := int64(math.MinInt64)
	if n := len(s.Floats); n > 0 {
		t = s.Floats[n-1].T
	}
	if n := len(s.Histograms); n > 0 {
		t = max(t, s.Histograms[n-1].T)
	}
	return t
}

// appendSeries appends a series' floats and histograms in time order.
func appendSeries(app storage.AppenderV2, s promql.Series) error {
	fs, hs := s.Floats, s.Histograms
	for len(fs) > 0 || len(hs) > 0 {
		var err error
		if len(hs) == 0 || (len(fs) > 0 && fs[0].T < hs[0].T) {
			_, err = app.Append(0, s.Metric, 0, fs[0].T, fs[0].F, nil, nil, storage.AOptions{})
			fs = fs[1:]
		} else {
			_, err = app.Append(0, s.Metric, 0, hs[0].T, 0, nil, hs[0].H, storage.AOptions{})
			hs = hs[1:]
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// limitSeries makes every Select of q fail once it has given more than max
// series.
func limitSeries(q storage.Queryable, maxSeries int) storage.Queryable {
	return storage.QueryableFunc(func(mint, maxt int64) (storage.Querier, error) {
		qr, err := q.Querier(mint, maxt)
		if err != nil {
			return nil, err
		}
		return &limitQuerier{Querier: qr, max: maxSeries}, nil
	})
}

type limitQuerier struct {
	storage.Querier
	max int
}

func (q *limitQuerier) Select(ctx context.Context, sortSeries bool, hints *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	return &limitSet{SeriesSet: q.Querier.Select(ctx, sortSeries, hints, ms...), max: q.max, sel: ms}
}

type limitSet struct {
	storage.SeriesSet
	max, n int
	sel    []*labels.Matcher
	err    error
}

func (s *limitSet) Next() bool {
	if s.err != nil || !s.SeriesSet.Next() {
		return false
	}
	s.n++
	if s.n > s.max {
		s.err = &Error{Kind: ErrTooManySeries, Msg: fmt.Sprintf("the selector %s selects more than --max-series %d series", selectorString(s.sel), s.max)}
		return false
	}
	return true
}

func (s *limitSet) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.SeriesSet.Err()
}

func selectorString(ms []*labels.Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

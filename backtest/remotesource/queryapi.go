package remotesource

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	config_util "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"

	"github.com/codevaldcortex/rulecheck/backtest"
)

// queryAPI evaluates every expression on the server with
// /api/v1/query_range.
type queryAPI struct {
	api     v1.API
	url     string
	timeout time.Duration
}

// QueryAPI returns a source that sends each expression to a
// Prometheus-compatible HTTP query API (rawURL is the server's base URL,
// e.g. http://HOST:9090; /api/v1/query_range is appended) as range
// queries. It cannot store what recording rules write (Record returns an
// ErrCannotRecord error).
func QueryAPI(rawURL string, opts Options) (backtest.Source, error) {
	r, err := OpenQueryAPI(rawURL, opts)
	if err != nil {
		return nil, err
	}
	return r.New(), nil
}

// OpenQueryAPI returns the query API at rawURL.
func OpenQueryAPI(rawURL string, opts Options) (*Remote, error) {
	u, err := parseURL("--query-api", rawURL)
	if err != nil {
		return nil, err
	}
	rt, err := config_util.NewRoundTripperFromConfig(opts.httpConfig(config_util.DefaultHTTPClientConfig), "rulecheck")
	if err != nil {
		return nil, &backtest.Error{Kind: backtest.ErrUsage, Msg: "--query-api " + rawURL, Err: err}
	}
	c, err := api.NewClient(api.Config{Address: u.String(), RoundTripper: rt})
	if err != nil {
		return nil, &backtest.Error{Kind: backtest.ErrUsage, Msg: "--query-api " + rawURL, Err: err}
	}
	timeout := 2 * time.Minute
	if opts.Timeout > 0 {
		timeout = opts.Timeout
	}
	q := &queryAPI{api: v1.NewAPI(c), url: u.Redacted(), timeout: timeout}
	return &Remote{Name: q.url, New: func() backtest.Source { return q }, HasData: q.hasData}, nil
}

// hasData asks the series endpoint for one series with data in the range
// (an index look-up on the server, not a query).
func (q *queryAPI) hasData(ctx context.Context, from, to time.Time) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	sets, _, _, err := q.api.Series(ctx, []string{`{__name__=~".+"}`}, from, to, v1.WithLimit(1))
	if err != nil {
		return false, q.classify(err)
	}
	return len(sets) > 0, nil
}

func (q *queryAPI) QueryRange(ctx context.Context, expr string, start, end time.Time, step time.Duration) (promql.Matrix, error) {
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	v, _, _, err := q.api.QueryRange(ctx, expr, v1.Range{Start: start, End: end, Step: step})
	if err != nil {
		return nil, q.classify(err)
	}
	m, ok := v.(model.Matrix)
	if !ok {
		return nil, &backtest.Error{Kind: backtest.ErrSource, Msg: fmt.Sprintf("%s answered a range query with a %s, not a matrix", q.url, v.Type())}
	}
	return toMatrix(m)
}

// classify tells a query the server refused (the rule's fault) from a
// server that failed.
func (q *queryAPI) classify(err error) error {
	var ae *v1.Error
	if errors.As(err, &ae) && (ae.Type == v1.ErrBadData || ae.Type == v1.ErrExec) {
		return &backtest.Error{Kind: backtest.ErrQuery, Msg: q.url + " refused the query", Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &backtest.Error{Kind: backtest.ErrSource, Msg: "query API " + q.url, Err: err}
}

// toMatrix converts the API's matrix into the engine's, sorted by labels
// as the engine sorts a range query's result.
func toMatrix(m model.Matrix) (promql.Matrix, error) {
	out := make(promql.Matrix, 0, len(m))
	for _, ss := range m {
		if len(ss.Histograms) > 0 {
			return nil, &backtest.Error{Kind: backtest.ErrSource,
				Msg: "the query API returned native histogram samples for " + ss.Metric.String() + ", which this source does not read; use --remote-read"}
		}
		b := labels.NewScratchBuilder(len(ss.Metric))
		for k, v := range ss.Metric {
			b.Add(string(k), string(v))
		}
		b.Sort()
		s := promql.Series{Metric: b.Labels(), Floats: make([]promql.FPoint, len(ss.Values))}
		for i, p := range ss.Values {
			s.Floats[i] = promql.FPoint{T: int64(p.Timestamp), F: float64(p.Value)}
		}
		out = append(out, s)
	}
	sort.Sort(out)
	return out, nil
}

// Record refuses: the server evaluates the queries, and it holds only what
// its own recording rules wrote.
func (q *queryAPI) Record(promql.Matrix) error {
	return &backtest.Error{Kind: backtest.ErrCannotRecord,
		Msg: "the query API (" + q.url + ") evaluates on the server, which holds only what its own recording rules wrote"}
}

func (q *queryAPI) Close() error { return nil }

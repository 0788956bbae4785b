package backtest

import (
	"context"
	"time"

	"github.com/prometheus/prometheus/promql"
)

// Source answers range queries over recorded data.
type Source interface {
	// QueryRange evaluates expr at every step in [start, end], as
	// Prometheus's /api/v1/query_range does.
	QueryRange(ctx context.Context, expr string, start, end time.Time, step time.Duration) (promql.Matrix, error)
	// Record stores a recording rule's output (the series named for the
	// rule, with the rule's labels applied) so that later queries read it.
	// A source that cannot (a remote query API) returns an *Error with Kind
	// ErrCannotRecord naming the rule.
	Record(m promql.Matrix) error
	Close() error
}

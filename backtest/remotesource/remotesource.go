// Package remotesource holds the backtest's two sources that read a
// server: remote read (the series are streamed with Prometheus's own
// remote-read client and the rules evaluated locally, exactly as from a
// TSDB) and a Prometheus-compatible query API (the server evaluates each
// expression as range queries; the alert state machine stays local).
package remotesource

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	config_util "github.com/prometheus/common/config"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/storage/remote"
	"github.com/prometheus/prometheus/util/annotations"

	"github.com/codevaldcortex/rulecheck/backtest"
)

// Options tune both sources. The zero value gives Prometheus's defaults.
type Options struct {
	// Timeout bounds one request (default: remote_read's remote_timeout,
	// 1m, for remote read; 2m, a server's query timeout, for the query
	// API).
	Timeout time.Duration
	// Local tunes the engine that evaluates remote-read data.
	Local backtest.LocalOptions
	// HTTP is how requests reach the server (authentication, TLS, proxy,
	// headers), in Prometheus's http_config format; nil means a plain
	// client.
	HTTP *config_util.HTTPClientConfig
}

// httpConfig is opts.HTTP, or def when it is not set.
func (opts Options) httpConfig(def config_util.HTTPClientConfig) config_util.HTTPClientConfig {
	if opts.HTTP != nil {
		return *opts.HTTP
	}
	return def
}

// parseURL accepts an absolute http or https URL.
func parseURL(flag, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err == nil && (u.Scheme != "http" && u.Scheme != "https" || u.Host == "") {
		err = errors.New("want an absolute http or https URL")
	}
	if err != nil {
		return nil, &backtest.Error{Kind: backtest.ErrUsage, Msg: fmt.Sprintf("%s %q", flag, raw), Err: err}
	}
	return u, nil
}

// Remote is a server the backtest reads from.
type Remote struct {
	// Name is the server's URL (without a password), for reports.
	Name string
	// New returns a fresh source; each run takes its own, since a source
	// keeps what the run's recording rules wrote.
	New func() backtest.Source
	// HasData reports whether the server holds any sample in [from, to].
	HasData func(ctx context.Context, from, to time.Time) (bool, error)
}

// RemoteRead returns a source that streams series from a remote-read
// endpoint (for Prometheus: http://HOST:9090/api/v1/read) with
// Prometheus's remote-read client and evaluates the rules over them with
// the embedded engine, as --tsdb does.
func RemoteRead(rawURL string, opts Options) (backtest.Source, error) {
	r, err := OpenRemoteRead(rawURL, opts)
	if err != nil {
		return nil, err
	}
	return r.New(), nil
}

// OpenRemoteRead returns the remote-read server at rawURL.
func OpenRemoteRead(rawURL string, opts Options) (*Remote, error) {
	u, err := parseURL("--remote-read", rawURL)
	if err != nil {
		return nil, err
	}
	def := config.DefaultRemoteReadConfig
	timeout := time.Duration(def.RemoteTimeout)
	if opts.Timeout > 0 {
		timeout = opts.Timeout
	}
	client, err := remote.NewReadClient("backtest", &remote.ClientConfig{
		URL:              &config_util.URL{URL: u},
		Timeout:          model.Duration(timeout),
		HTTPClientConfig: opts.httpConfig(def.HTTPClientConfig),
		ChunkedReadLimit: def.ChunkedReadLimit,
	})
	if err != nil {
		return nil, &backtest.Error{Kind: backtest.ErrUsage, Msg: "--remote-read " + rawURL, Err: err}
	}
	// readRecent: there is no local storage to prefer, so every range is
	// read from the server.
	q := sourceErrors{remote.NewSampleAndChunkQueryableClient(client, labels.EmptyLabels(), nil, true, nil), u.Redacted()}
	return &Remote{
		Name: u.Redacted(),
		New:  func() backtest.Source { return backtest.NewLocal(q, opts.Local) },
		// The first series with a sample ends the streamed answer.
		HasData: func(ctx context.Context, from, to time.Time) (bool, error) {
			return backtest.HasData(ctx, q, from.UnixMilli(), to.UnixMilli())
		},
	}, nil
}

// sourceErrors marks every error of the remote queryable as a source
// error (the server is down, answers with an error, breaks off), so that
// the engine's own errors (a query the rules get wrong) stay apart.
type sourceErrors struct {
	q   storage.Queryable
	url string
}

func (s sourceErrors) Querier(mint, maxt int64) (storage.Querier, error) {
	q, err := s.q.Querier(mint, maxt)
	if err != nil {
		return nil, s.wrap(err)
	}
	return querier{q, s}, nil
}

func (s sourceErrors) wrap(err error) error {
	var be *backtest.Error
	if err == nil || errors.As(err, &be) || errors.Is(err, context.Canceled) {
		return err
	}
	return &backtest.Error{Kind: backtest.ErrSource, Msg: "remote read from " + s.url, Err: err}
}

type querier struct {
	storage.Querier
	s sourceErrors
}

func (q querier) Select(ctx context.Context, sortSeries bool, hints *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	return seriesSet{q.Querier.Select(ctx, sortSeries, hints, ms...), q.s}
}

func (q querier) LabelValues(ctx context.Context, name string, hints *storage.LabelHints, ms ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	v, a, err := q.Querier.LabelValues(ctx, name, hints, ms...)
	return v, a, q.s.wrap(err)
}

func (q querier) LabelNames(ctx context.Context, hints *storage.LabelHints, ms ...*labels.Matcher) ([]string, annotations.Annotations, error) {
	v, a, err := q.Querier.LabelNames(ctx, hints, ms...)
	return v, a, q.s.wrap(err)
}

type seriesSet struct {
	storage.SeriesSet
	s sourceErrors
}

func (s seriesSet) Err() error { return s.s.wrap(s.SeriesSet.Err()) }

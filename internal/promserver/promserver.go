// Package promserver serves a TSDB directory over HTTP with Prometheus's
// own server-side handlers: the HTTP query API (web/api/v1, on a
// route.Router under /api/v1) and, through it, the remote-read endpoint
// /api/v1/read. Tests of the backtest's remote sources run it on
// loopback, so that they talk to Prometheus's code, not to hand-written
// responses. It can also fail on purpose after a number of requests.
package promserver

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"time"

	"github.com/grafana/regexp"
	remoteapi "github.com/prometheus/client_golang/exp/api/remote"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/route"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/tsdb"
	v1 "github.com/prometheus/prometheus/web/api/v1"
	"go.yaml.in/yaml/v3"
)

// Failure says how the server fails once Options.FailAfter requests have
// been answered.
type Failure int

const (
	// Status answers 503 Service Unavailable.
	Status Failure = iota
	// Cut sends the start of the real answer, then drops the connection.
	Cut
)

// Options shape the server. The zero value serves every request.
type Options struct {
	// FailAfter, when positive, makes every request after the first
	// FailAfter fail as Failure says.
	FailAfter int
	Failure   Failure
	// Listen is the address to listen on (default: a free loopback port).
	Listen string
	// WebConfigFile, when set, serves through the exporter toolkit's web
	// server with this configuration (basic_auth_users, tls_server_config),
	// as a Prometheus server does with --web.config.file.
	WebConfigFile string
}

// Server is a running server.
type Server struct {
	// URL is the base URL (for the query API); ReadURL the remote-read
	// endpoint.
	URL, ReadURL string
	db           *tsdb.DB
	http         *httptest.Server
	web          *http.Server
	requests     atomic.Int64
}

// Start opens the TSDB in dir as a Prometheus server does (compaction off,
// so the blocks stay as they are) and serves it on loopback.
func Start(dir string, opts Options) (*Server, error) {
	logger := slog.New(slog.DiscardHandler)
	tsOpts := tsdb.DefaultOptions()
	tsOpts.RetentionDuration = 0
	db, err := tsdb.Open(dir, logger, nil, tsOpts, nil)
	if err != nil {
		return nil, fmt.Errorf("opening the TSDB %s: %w", dir, err)
	}
	db.DisableCompactions()
	s := &Server{db: db}
	r := route.New().WithPrefix("/api/v1")
	newAPI(db, logger).Register(r)
	s.http = httptest.NewUnstartedServer(s.failing(r, opts))
	if opts.Listen != "" {
		l, err := net.Listen("tcp", opts.Listen)
		if err != nil {
			_ = db.Close()
			return nil, err
		}
		_ = s.http.Listener.Close()
		s.http.Listener = l
	}
	if opts.WebConfigFile != "" {
		if err := s.serveWeb(opts.WebConfigFile, logger); err != nil {
			_ = db.Close()
			return nil, err
		}
	} else {
		s.http.Start()
		s.URL = s.http.URL
	}
	s.ReadURL = s.URL + "/api/v1/read"
	return s, nil
}

// serveWeb serves the handler on the unstarted server's listener through
// the exporter toolkit, which checks the web configuration's users and
// TLS before the handler sees a request.
func (s *Server) serveWeb(configFile string, logger *slog.Logger) error {
	if err := web.Validate(configFile); err != nil {
		return fmt.Errorf("web configuration %s: %w", configFile, err)
	}
	l := s.http.Listener
	s.web = &http.Server{Handler: s.http.Config.Handler, ReadHeaderTimeout: time.Minute}
	systemd := false
	flags := &web.FlagConfig{WebListenAddresses: &[]string{}, WebSystemdSocket: &systemd, WebConfigFile: &configFile}
	go func() { _ = web.Serve(l, s.web, flags, logger) }()
	s.URL = scheme(configFile) + "://" + l.Addr().String()
	return nil
}

// scheme is https when the web configuration sets up TLS.
func scheme(configFile string) string {
	var c struct {
		TLS map[string]any `yaml:"tls_server_config"`
	}
	if b, err := os.ReadFile(configFile); err == nil && yaml.Unmarshal(b, &c) == nil && len(c.TLS) > 0 {
		return "https"
	}
	return "http"
}

// Requests is the number of requests received so far.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Close stops the server and closes the TSDB.
func (s *Server) Close() error {
	if s.web != nil {
		_ = s.web.Close()
	} else {
		s.http.Close()
	}
	return s.db.Close()
}

// failing answers the first opts.FailAfter requests with h, the others as
// opts.Failure says.
func (s *Server) failing(h http.Handler, opts Options) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.requests.Add(1)
		if opts.FailAfter <= 0 || n <= int64(opts.FailAfter) {
			h.ServeHTTP(w, r)
			return
		}
		if opts.Failure == Status {
			http.Error(w, "promserver: failing on purpose", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(&cutWriter{ResponseWriter: w, left: 64}, r)
	})
}

// cutWriter passes the first bytes of the answer on, then aborts the
// connection.
type cutWriter struct {
	http.ResponseWriter
	left int
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if len(p) > c.left {
		_, _ = c.ResponseWriter.Write(p[:c.left])
		if f, ok := c.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	c.left -= len(p)
	return c.ResponseWriter.Write(p)
}

func (c *cutWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// newAPI builds Prometheus's HTTP API over db with a server's defaults:
// no admin, remote write or OTLP endpoints, nothing but the storage.
func newAPI(db *tsdb.DB, logger *slog.Logger) *v1.API {
	engine := promql.NewEngine(promql.EngineOpts{
		Logger:               logger,
		MaxSamples:           50_000_000,
		Timeout:              2 * time.Minute,
		EnableAtModifier:     true,
		EnableNegativeOffset: true,
	})
	return v1.NewAPI(
		engine, db, nil, nil,
		func(context.Context) v1.ScrapePoolsRetriever { return nil },
		func(context.Context) v1.TargetRetriever { return nil },
		func(context.Context) v1.AlertmanagerRetriever { return nil },
		func() config.Config { return config.DefaultConfig },
		map[string]string{},
		v1.GlobalURLOptions{},
		func(f http.HandlerFunc) http.HandlerFunc { return f },
		nil, "", false, false, 0,
		logger,
		func(context.Context) v1.RulesRetriever { return nil },
		// Remote read: a server's default sample limit, concurrency and
		// frame size.
		50_000_000, 10, 1048576,
		false,
		regexp.MustCompile(".*"),
		func() (v1.RuntimeInfo, error) { return v1.RuntimeInfo{}, nil },
		&v1.PrometheusVersion{},
		nil, nil,
		prometheus.NewRegistry(), prometheus.NewRegistry(),
		nil,
		false, remoteapi.MessageTypes{}, false, false, false,
		5*time.Minute,
		false, false,
		nil, nil,
		v1.OpenAPIOptions{},
		parser.NewParser(parser.Options{}),
		false, 0,
	)
}

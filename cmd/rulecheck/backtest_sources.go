package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	config_util "github.com/prometheus/common/config"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/backtest/remotesource"
	"github.com/codevaldcortex/rulecheck/internal/inputfile"
	"github.com/codevaldcortex/rulecheck/internal/yamlnode"
	"github.com/codevaldcortex/rulecheck/internal/yamlsafe"
	"github.com/codevaldcortex/rulecheck/position"
)

// sourceFlags are the sources "rulecheck backtest" reads from a server;
// with --tsdb, exactly one is given.
type sourceFlags struct {
	remoteRead, queryAPI string
	httpConfig           string
}

func (sf *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&sf.remoteRead, "remote-read", "", "read the series from a Prometheus remote-read endpoint `URL` (e.g. http://prometheus:9090/api/v1/read) and evaluate locally")
	fs.StringVar(&sf.queryAPI, "query-api", "", "evaluate each expression on a Prometheus-compatible query API at `URL` (e.g. http://prometheus:9090) with range queries")
	fs.StringVar(&sf.httpConfig, "http-config", "", "how to reach --remote-read or --query-api: a `FILE` in Prometheus's http_config format (basic_auth, authorization, oauth2, tls_config, proxy_url, http_headers), as in a remote_read block or promtool's --http.config.file; relative file names in it are relative to it")
}

// loadHTTPConfig reads --http-config: limits and file:line as for every
// YAML file the tool reads, then Prometheus's own strict decoding and
// validation.
func loadHTTPConfig(path string) (*config_util.HTTPClientConfig, error) {
	bad := func(err error) error {
		line, msg := yamlnode.ErrorLine(err)
		return &backtest.Error{Kind: backtest.ErrUsage, Msg: "--http-config " + position.At(path, line, 0).String() + ": " + msg}
	}
	b, err := inputfile.Read(path)
	if err != nil {
		return nil, &backtest.Error{Kind: backtest.ErrUsage, Msg: "--http-config", Err: err}
	}
	if err := yamlsafe.Check(b); err != nil {
		return nil, bad(err)
	}
	cfg, err := config_util.LoadHTTPConfig(string(b))
	if err != nil {
		return nil, bad(err)
	}
	cfg.SetDirectory(filepath.Dir(path))
	return cfg, nil
}

// sourceCount is how many sources the flags name.
func (bf *backtestFlags) sourceCount() int {
	n := 0
	for _, s := range []string{bf.tsdb, bf.remoteRead, bf.queryAPI} {
		if s != "" {
			n++
		}
	}
	return n
}

// openRemote opens --remote-read or --query-api.
func (bf *backtestFlags) openRemote() (*dataSource, error) {
	open, url := remotesource.OpenQueryAPI, bf.queryAPI
	if bf.remoteRead != "" {
		open, url = remotesource.OpenRemoteRead, bf.remoteRead
	}
	opts := remotesource.Options{Local: backtest.LocalOptions{LookbackDelta: bf.lookback, MaxSeries: bf.maxSeries}}
	if bf.httpConfig != "" {
		cfg, err := loadHTTPConfig(bf.httpConfig)
		if err != nil {
			return nil, err
		}
		opts.HTTP = cfg
	}
	r, err := open(url, opts)
	if err != nil {
		return nil, err
	}
	return &dataSource{
		name:  r.Name,
		open:  func() (backtest.Source, error) { return r.New(), nil },
		check: func(ctx context.Context) error { return bf.checkRemote(ctx, r) },
		close: func() error { return nil },
	}, nil
}

// checkRemote fails when the server holds no sample between --from (less
// the lookback) and --to.
func (bf *backtestFlags) checkRemote(ctx context.Context, r *remotesource.Remote) error {
	has, err := r.HasData(ctx, bf.fromT.Add(-bf.lookback), bf.toT)
	if err != nil {
		return err
	}
	if !has {
		return &backtest.Error{Kind: backtest.ErrNoData, Msg: fmt.Sprintf("%s holds no samples between %s and %s", r.Name, bf.fromT.Format(time.RFC3339), bf.toT.Format(time.RFC3339))}
	}
	return nil
}

// inputs are the files the run reads, which no output may replace.
func (bf *backtestFlags) inputs() []string {
	in := append(slices.Clone(bf.files), bf.baseline...)
	if bf.httpConfig != "" {
		in = append(in, bf.httpConfig)
	}
	return in
}

package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/backtest/remotesource"
)

// sourceFlags are the sources "rulecheck backtest" reads from a server;
// with --tsdb, exactly one is given.
type sourceFlags struct {
	remoteRead, queryAPI string
}

func (sf *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&sf.remoteRead, "remote-read", "", "read the series from a Prometheus remote-read endpoint `URL` (e.g. http://prometheus:9090/api/v1/read) and evaluate locally")
	fs.StringVar(&sf.queryAPI, "query-api", "", "evaluate each expression on a Prometheus-compatible query API at `URL` (e.g. http://prometheus:9090) with range queries")
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
	local := backtest.LocalOptions{LookbackDelta: bf.lookback, MaxSeries: bf.maxSeries}
	r, err := open(url, remotesource.Options{Local: local})
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

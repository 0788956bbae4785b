package remotesource_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/codevaldcortex/rulecheck/backtest"
	"github.com/codevaldcortex/rulecheck/backtest/remotesource"
	"github.com/codevaldcortex/rulecheck/internal/demodata"
	"github.com/codevaldcortex/rulecheck/internal/promserver"
)

// BenchmarkSources runs the rules of rules/ over one day of 1,000 series
// scraped every 15s from each source; the remote ones talk to
// Prometheus's handlers on loopback (the server's work is in the figures:
// it runs in this process).
func BenchmarkSources(b *testing.B) {
	o := demodata.Options{Days: 1, Series: 1000, Interval: 15 * time.Second}
	dir := filepath.Join(b.TempDir(), "data")
	if _, err := demodata.Write(context.Background(), dir, o); err != nil {
		b.Fatal(err)
	}
	served := filepath.Join(b.TempDir(), "served")
	if err := os.CopyFS(served, os.DirFS(dir)); err != nil {
		b.Fatal(err)
	}
	s, err := promserver.Start(served, promserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	db, err := backtest.OpenTSDB(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rr, err := remotesource.OpenRemoteRead(s.ReadURL, remotesource.Options{})
	if err != nil {
		b.Fatal(err)
	}
	qa, err := remotesource.OpenQueryAPI(s.URL, remotesource.Options{})
	if err != nil {
		b.Fatal(err)
	}
	from := demodata.DefaultStart
	to := o.End().Add(-time.Second)
	for _, bc := range []struct {
		name string
		src  func() backtest.Source
	}{
		{"tsdb", func() backtest.Source { return backtest.NewLocal(db, backtest.LocalOptions{}) }},
		{"remote-read", rr.New},
		{"query-api", qa.New},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				rs, err := backtest.LoadRules([]backtest.RuleFile{{Path: "../../rules/pweza-core-alerts.yaml"}}, backtest.LoadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				rep, err := backtest.Run(context.Background(), bc.src(), rs, backtest.Options{From: from, To: to})
				if err != nil {
					b.Fatal(err)
				}
				if len(rep.Episodes) == 0 {
					b.Fatal("no episodes")
				}
			}
		})
	}
}

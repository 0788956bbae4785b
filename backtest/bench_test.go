package backtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/codevaldcortex/rulecheck/internal/demodata"
)

// benchData returns the demo data directory of the benchmark, written once
// and kept under the system's temporary directory between runs: days of
// series every 15s.
func benchData(b *testing.B, days, series int) (dir string, opts demodata.Options) {
	b.Helper()
	opts = demodata.Options{Days: days, Series: series, Interval: 15 * time.Second}
	dir = filepath.Join(os.TempDir(), fmt.Sprintf("rulecheck-backtest-bench-%dd-%ds-15s", days, series))
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return dir, opts
	}
	_ = os.RemoveAll(dir)
	if _, err := demodata.Write(context.Background(), dir, opts); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "done"), nil, 0o600); err != nil {
		b.Fatal(err)
	}
	return dir, opts
}

// BenchmarkBacktestWeek is the benchmark: 7 days of 1,000 series
// scraped every 15s, the 8 CodeValdCortex alerts, from a TSDB directory.
// Only the run is measured: opening the TSDB, loading the rules, the
// evaluation and the statistics.
func BenchmarkBacktestWeek(b *testing.B) {
	dir, opts := benchData(b, 7, 1000)
	from, to := demodata.DefaultStart, opts.End().Add(-time.Second)
	rules := []RuleFile{{Path: "../rules/pweza-core-alerts.yaml"}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		db, err := OpenTSDB(dir)
		if err != nil {
			b.Fatal(err)
		}
		rs, err := LoadRules(rules, LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Run(context.Background(), NewLocal(db, LocalOptions{}), rs, Options{From: from, To: to})
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Episodes) == 0 {
			b.Fatal("no episodes")
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

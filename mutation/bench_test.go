package mutation

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// BenchmarkCodeValdCortex mutates every rule the CodeValdCortex fixtures
// load and reports mutants per second.
func BenchmarkCodeValdCortex(b *testing.B) {
	benchMutate(b, "../fixtures", Config{})
}

// BenchmarkExternalSuite mutates the rules of the test files under
// $RULECHECK_BENCH_SUITE (the kubernetes-mixin tests beside its rendered
// rules, say; see docs/performance.md) without a catalog, and one shard of
// them with $RULECHECK_BENCH_SHARD (K/N). Without the variable it skips.
func BenchmarkExternalSuite(b *testing.B) {
	dir := os.Getenv("RULECHECK_BENCH_SUITE")
	if dir == "" {
		b.Skip("set RULECHECK_BENCH_SUITE to a folder of test files")
	}
	cfg := Config{Options: harness.Options{NoCatalog: true}}
	if s := os.Getenv("RULECHECK_BENCH_SHARD"); s != "" {
		_, err := fmt.Sscanf(s, "%d/%d", &cfg.Shard.K, &cfg.Shard.Of)
		require.NoError(b, err)
	}
	benchMutate(b, dir, cfg)
}

func benchMutate(b *testing.B, dir string, cfg Config) {
	files, err := fixture.Find([]string{dir})
	require.NoError(b, err)
	mutants := 0
	for b.Loop() {
		rep, err := Run(files, cfg)
		require.NoError(b, err)
		mutants = 0
		for _, f := range rep.Files {
			mutants += len(f.Mutants)
		}
	}
	b.ReportMetric(float64(mutants), "mutants")
	b.ReportMetric(float64(mutants*b.N)/b.Elapsed().Seconds(), "mutants/s")
}

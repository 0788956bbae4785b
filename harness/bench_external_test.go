package harness_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// BenchmarkExternalSuite runs the test files under $RULECHECK_BENCH_SUITE
// (for example the kubernetes-mixin tests beside its rendered rules; see
// docs/performance.md), with a fresh Runner per iteration, so each rule file
// is loaded again. Every file must pass. Without the variable it skips.
func BenchmarkExternalSuite(b *testing.B) {
	dir := os.Getenv("RULECHECK_BENCH_SUITE")
	if dir == "" {
		b.Skip("set RULECHECK_BENCH_SUITE to a folder of test files")
	}
	files, err := fixture.Find([]string{dir})
	require.NoError(b, err)
	for _, mode := range []struct {
		name    string
		noPrune bool
	}{{"pruned", false}, {"all-rules", true}} {
		b.Run(mode.name, func(b *testing.B) {
			for b.Loop() {
				runner := harness.NewRunner(harness.Options{NoPrune: mode.noPrune, NoCatalog: true})
				for _, fr := range runner.RunFiles(files) {
					require.False(b, fr.Failed(), harness.FormatResult(fr))
				}
			}
		})
	}
}

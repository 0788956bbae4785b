package mutation

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// BenchmarkCodeValdCortex mutates every rule the CodeValdCortex fixtures
// load and reports mutants per second.
func BenchmarkCodeValdCortex(b *testing.B) {
	files, err := fixture.Find([]string{"../fixtures"})
	require.NoError(b, err)
	mutants := 0
	for b.Loop() {
		rep, err := Run(files, Config{})
		require.NoError(b, err)
		mutants = 0
		for _, f := range rep.Files {
			mutants += len(f.Mutants)
		}
	}
	b.ReportMetric(float64(mutants), "mutants")
	b.ReportMetric(float64(mutants*b.N)/b.Elapsed().Seconds(), "mutants/s")
}

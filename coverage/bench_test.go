package coverage_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/coverage"
	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/benchgen/suite"
)

// BenchmarkSuiteCoverage runs the generated 1x suite (pruning on) without
// and with coverage; the ratio of the two is coverage's overhead (it must
// stay below 1.5x).
func BenchmarkSuiteCoverage(b *testing.B) {
	files, err := suite.Generate(b.TempDir(), suite.Scale(1))
	require.NoError(b, err)
	benchCoverage(b, files)
}

// BenchmarkDirCoverage does the same for the test files under the folder
// RULECHECK_COVERAGE_BENCH_DIR names (a real suite, such as the
// kubernetes-mixin's tests/ in docs/coverage.md); it is skipped without it.
func BenchmarkDirCoverage(b *testing.B) {
	dir := os.Getenv("RULECHECK_COVERAGE_BENCH_DIR")
	if dir == "" {
		b.Skip("RULECHECK_COVERAGE_BENCH_DIR not set")
	}
	files, err := fixture.Find([]string{dir})
	require.NoError(b, err)
	benchCoverage(b, files)
}

func benchCoverage(b *testing.B, files []string) {
	for _, withCoverage := range []bool{false, true} {
		name := "without"
		if withCoverage {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				results := harness.NewRunner(harness.Options{NoCatalog: true}).RunFiles(files)
				for _, fr := range results {
					require.False(b, fr.Failed())
				}
				if withCoverage {
					_, err := coverage.Compute(results, coverage.Options{})
					require.NoError(b, err)
				}
			}
		})
	}
}

// BenchmarkDirCoverageCompute measures Compute alone over one run of the
// test files under RULECHECK_COVERAGE_BENCH_DIR (skipped without it).
func BenchmarkDirCoverageCompute(b *testing.B) {
	dir := os.Getenv("RULECHECK_COVERAGE_BENCH_DIR")
	if dir == "" {
		b.Skip("RULECHECK_COVERAGE_BENCH_DIR not set")
	}
	files, err := fixture.Find([]string{dir})
	require.NoError(b, err)
	benchCompute(b, files)
}

// BenchmarkSuiteCoverageCompute measures coverage alone (Compute over the
// results of one run of the generated 1x suite): the part a run with
// coverage adds, less noisy than the difference of two whole runs.
func BenchmarkSuiteCoverageCompute(b *testing.B) {
	files, err := suite.Generate(b.TempDir(), suite.Scale(1))
	require.NoError(b, err)
	benchCompute(b, files)
}

func benchCompute(b *testing.B, files []string) {
	results := harness.NewRunner(harness.Options{NoCatalog: true}).RunFiles(files)
	b.ResetTimer()
	for b.Loop() {
		_, err := coverage.Compute(results, coverage.Options{})
		require.NoError(b, err)
	}
}

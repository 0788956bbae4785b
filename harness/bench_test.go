package harness_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/benchgen/suite"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
)

func benchSuite(b *testing.B, k int) []string {
	b.Helper()
	files, err := suite.Generate(b.TempDir(), suite.Scale(k))
	require.NoError(b, err)
	return files
}

// BenchmarkLoadRuleFile measures loading and validating one generated rule
// file.
func BenchmarkLoadRuleFile(b *testing.B) {
	files := benchSuite(b, 1)
	rf := filepath.Join(filepath.Dir(files[0]), "rules_00.yml")
	b.ResetTimer()
	for b.Loop() {
		_, err := rulefile.Load(rf, rulefile.Options{})
		require.NoError(b, err)
	}
}

// BenchmarkShortTestGroup measures one 30-step test group.
func BenchmarkShortTestGroup(b *testing.B) {
	files := benchSuite(b, 1)
	runner := harness.NewRunner(harness.Options{})
	fx, err := fixture.Load(files[1])
	require.NoError(b, err)
	fx.Tests = fx.Tests[:1]
	b.ResetTimer()
	for b.Loop() {
		require.False(b, runner.RunFixture(fx).Failed())
	}
}

// BenchmarkLongTestGroup measures one 12-hour test group at 1m (720 steps).
func BenchmarkLongTestGroup(b *testing.B) {
	files := benchSuite(b, 1)
	runner := harness.NewRunner(harness.Options{})
	fx, err := fixture.Load(files[0])
	require.NoError(b, err)
	fx.Tests = fx.Tests[:1]
	b.ResetTimer()
	for b.Loop() {
		require.False(b, runner.RunFixture(fx).Failed())
	}
	b.ReportMetric(float64(fx.Tests[0].Interval), "step_ns")
}

// BenchmarkSuite runs the whole generated 1x suite, files in parallel.
func BenchmarkSuite(b *testing.B) {
	files := benchSuite(b, 1)
	b.ResetTimer()
	for b.Loop() {
		runner := harness.NewRunner(harness.Options{})
		for _, fr := range runner.RunFiles(files) {
			require.False(b, fr.Failed())
		}
	}
}

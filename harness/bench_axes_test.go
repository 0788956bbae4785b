package harness_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/benchgen/suite"
)

// BenchmarkShortTestGroupManyRules is BenchmarkShortTestGroup with ten
// times the rules loaded: with pruning, the cost should barely move.
func BenchmarkShortTestGroupManyRules(b *testing.B) {
	files, err := suite.Generate(b.TempDir(), suite.Axes(10, 1, 1))
	require.NoError(b, err)
	runner := harness.NewRunner(harness.Options{})
	fx, err := fixture.Load(files[1])
	require.NoError(b, err)
	fx.Tests = fx.Tests[:1]
	b.ResetTimer()
	for b.Loop() {
		require.False(b, runner.RunFixture(fx).Failed())
	}
}

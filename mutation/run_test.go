package mutation

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

func forSurvivors(rep *Report) []string {
	var out []string
	for _, m := range rep.Survivors() {
		if m.Operator == "for" {
			out = append(out, m.After)
		}
	}
	return out
}

// TestPlantedWeakFixture: a test that checks the alert only long after its
// for leaves every for mutant alive, and the report says so.
func TestPlantedWeakFixture(t *testing.T) {
	rep, err := Run([]string{"testdata/weak.yaml"}, Config{Options: harness.Options{NoCatalog: true}})
	require.NoError(t, err)
	assert.Equal(t, []string{"2m30s", "10m", "0s"}, forSurvivors(rep))
	var hint string
	for _, m := range rep.Survivors() {
		if m.Operator == "for" && m.After == "2m30s" {
			hint = m.Hint
			assert.Equal(t, "testdata/rules.yaml", m.File)
			assert.Equal(t, 4, m.Line)
		}
	}
	assert.Equal(t, "no test checks the alert between 2m30s and 5m after its condition starts: for could be 2m30s", hint)
}

// TestPlantedStrongFixture: pinning the alert on both sides of its for
// kills the for mutants; series on and around the threshold kill its
// nudges and strictness flip.
func TestPlantedStrongFixture(t *testing.T) {
	rep, err := Run([]string{"testdata/strong.yaml"}, Config{Options: harness.Options{NoCatalog: true}})
	require.NoError(t, err)
	assert.Empty(t, forSurvivors(rep))
	assert.Equal(t, 100.0, rep.Score(), "survivors: %+v", rep.Survivors())
	pct, n := rep.RuleScore("QueueBacklog")
	assert.Equal(t, 100.0, pct)
	assert.Positive(t, n)
}

// TestDeterministic: same mutants, same order, same verdicts, whatever the
// number of workers.
func TestDeterministic(t *testing.T) {
	paths := []string{"testdata/weak.yaml", "testdata/strong.yaml"}
	one, err := Run(paths, Config{Options: harness.Options{NoCatalog: true}, Workers: 1})
	require.NoError(t, err)
	for _, w := range []int{2, 8} {
		got, err := Run(paths, Config{Options: harness.Options{NoCatalog: true}, Workers: w})
		require.NoError(t, err)
		assert.Equal(t, one, got, "workers %d", w)
	}
}

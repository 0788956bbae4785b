package rulecheck_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/catalog"
)

// TestFixtures replays every fixture under fixtures/ as a subtest named after
// the fixture file and test group, so "go test ./..." is the gate for the
// rules under rules/.
func TestFixtures(t *testing.T) {
	files, err := harness.FindFixtures([]string{"fixtures"})
	require.NoError(t, err)
	require.NotEmpty(t, files, "no fixtures found under fixtures/")
	// Input series are held to the metric catalog: a fixture feeding a
	// series production could not produce fails.
	cat, err := catalog.Load("rules/metrics.yaml")
	require.NoError(t, err)
	runner := harness.NewRunner(harness.Options{Catalog: cat})
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			harness.RequirePass(t, runner.RunFile(path))
		})
	}
}

package rulecheck_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// TestFixtures replays every fixture under fixtures/ as a subtest named after
// the fixture file and test group, so "go test ./..." is the gate for the
// rules under rules/.
func TestFixtures(t *testing.T) {
	files, err := harness.FindFixtures([]string{"fixtures"})
	require.NoError(t, err)
	require.NotEmpty(t, files, "no fixtures found under fixtures/")
	runner := harness.NewRunner(harness.Options{})
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			harness.RequirePass(t, runner.RunFile(path))
		})
	}
}

package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/linttest"
)

// TestChecks runs every check over its testdata directory,
// testdata/<check ID>, and compares the findings with the files' want
// comments.
func TestChecks(t *testing.T) {
	for _, c := range All() {
		t.Run(c.ID, func(t *testing.T) {
			dir := filepath.Join("testdata", filepath.FromSlash(c.ID))
			_, err := os.Stat(dir)
			require.NoError(t, err, "every check needs tests in %s", dir)
			findings := linttest.Run(t, dir, "testdata", c, All())
			n := 0
			for _, f := range findings {
				if f.Check == c.ID {
					n++
				}
			}
			assert.Positive(t, n, "the tests of %s expect none of its findings", c.ID)
		})
	}
}

func TestCheckDefinitions(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range All() {
		require.NoError(t, c.Validate())
		assert.False(t, seen[c.ID], "duplicate check ID %s", c.ID)
		seen[c.ID] = true
		assert.NotEmpty(t, c.Example, "%s has no example", c.ID)
		assert.True(t, c.Run != nil || c.ID == lint.IgnoreCheckID || c.ID == lint.UnusedIgnoreCheckID, "%s has no Run", c.ID)
	}
}

// A counter known only by its _total name is a guess: a warning at most,
// while a catalog counter keeps the check's severity.
func TestRawCounterGuessIsAWarning(t *testing.T) {
	findings := linttest.Run(t, filepath.Join("testdata", "promql", "raw-counter"), "testdata", RawCounter, All())
	for _, f := range findings {
		if f.Check != RawCounter.ID {
			continue
		}
		want := lint.Error
		if strings.Contains(f.Message, "by its _total suffix") {
			want = lint.Warning
		}
		assert.Equal(t, want, f.Severity, f.String())
	}
}

package harness

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/benchgen/suite"
)

// TestPruneKeepsWhatAssertionsNeed checks which rules survive pruning in a
// generated test group: the asserted family's alerts and the recording
// chain they read, and nothing of the other families.
func TestPruneKeepsWhatAssertionsNeed(t *testing.T) {
	files, err := suite.Generate(t.TempDir(), suite.Scale(1))
	require.NoError(t, err)
	fx, err := fixture.Load(files[1])
	require.NoError(t, err)
	rp, err := NewRunner(Options{}).newReplay(fx, fx.Tests[0], &TestResult{})
	require.NoError(t, err)
	require.Equal(t, 8*(4*6+1), countRules(rp.groups))
	rp.instantiate(rp.plan(fx.Tests[0].LastEvalTime()))
	var kept []string
	for _, g := range rp.groups {
		for _, r := range g.Rules() {
			kept = append(kept, r.Name())
		}
	}
	require.Equal(t, []string{
		"svc01000:requests:rate5m", "svc01000:errors:rate5m", "svc01000:error_ratio:rate5m",
		"Svc01000HighErrorRate", "Svc01000InstanceDown", "Svc01000NoTraffic",
	}, kept)
}

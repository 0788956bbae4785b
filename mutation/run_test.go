package mutation

import (
	"regexp"
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

// TestSkipUnaffectedKeepsVerdicts: skipping the test groups whose plan
// keeps neither the rule nor its mutant gives the verdicts of replaying
// every test group with every rule (Options.NoPrune).
func TestSkipUnaffectedKeepsVerdicts(t *testing.T) {
	paths := []string{"testdata/one-alert.yaml", "testdata/weak.yaml", "testdata/strong.yaml"}
	verdicts := func(rep *Report) map[int]bool {
		out := map[int]bool{}
		for _, f := range rep.Files {
			for _, m := range f.Mutants {
				out[m.ID] = m.Killed
			}
		}
		return out
	}
	pruned, err := Run(paths, Config{Options: harness.Options{NoCatalog: true}})
	require.NoError(t, err)
	full, err := Run(paths, Config{Options: harness.Options{NoCatalog: true, NoPrune: true}})
	require.NoError(t, err)
	assert.Equal(t, verdicts(full), verdicts(pruned))
	skipped := 0
	for _, f := range pruned.Files {
		for _, m := range f.Mutants {
			skipped += m.TestGroups - m.Replayed
		}
	}
	assert.Positive(t, skipped, "some mutant's test group was skipped")
	pct, _ := pruned.RuleScore("QueueBacklog")
	assert.Less(t, pct, 100.0)
}

// TestSharingKeepsVerdicts: a mutant's Runner shares with the Runner of
// the rules as written the rule groups the mutant leaves alone, the
// outcomes over no data and each test group's plan for the rules as
// written; loading and deciding all of them again for every mutant
// (Options.NoSharing) gives the same report, mutant by mutant, on
// promtool files with several rule groups and on the CodeValdCortex
// fixtures.
func TestSharingKeepsVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		paths []string
		cfg   Config
	}{
		{"promtool files", []string{"testdata/groups.yaml", "testdata/one-alert.yaml", "testdata/weak.yaml", "testdata/strong.yaml"},
			Config{Options: harness.Options{NoCatalog: true}}},
		{"CodeValdCortex fixtures", []string{"../fixtures/agent-down.yaml", "../fixtures/high-api-latency.yaml", "../fixtures/group-intervals.yaml"},
			Config{Rules: regexp.MustCompile(`^(AgentDown|HighAPILatency)$`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shared, err := Run(tc.paths, tc.cfg)
			require.NoError(t, err)
			tc.cfg.Options.NoSharing = true
			rebuilt, err := Run(tc.paths, tc.cfg)
			require.NoError(t, err)
			assert.Equal(t, rebuilt, shared)
			assert.Positive(t, shared.Score())
			assert.Less(t, shared.Score(), 100.0)
		})
	}
}

// TestAllKillers: running every fixture on a killed mutant keeps the
// verdicts; KilledBy then lists the test groups of every fixture that
// fails, where the default (stop at the first failing fixture) lists
// those of the first only.
func TestAllKillers(t *testing.T) {
	paths := []string{"testdata/weak.yaml", "testdata/strong.yaml", "testdata/groups.yaml", "testdata/one-alert.yaml"}
	cfg := Config{Options: harness.Options{NoCatalog: true}}
	first, err := Run(paths, cfg)
	require.NoError(t, err)
	cfg.AllKillers = true
	all, err := Run(paths, cfg)
	require.NoError(t, err)
	more := 0
	for fi, f := range first.Files {
		for mi, m := range f.Mutants {
			a := all.Files[fi].Mutants[mi]
			assert.Equal(t, m.Killed, a.Killed, "mutant %d", m.ID)
			assert.Subset(t, a.KilledBy, m.KilledBy, "mutant %d", m.ID)
			if len(a.KilledBy) > len(m.KilledBy) {
				more++
			}
		}
	}
	assert.Positive(t, more, "some mutant is killed by more than its first fixture")
}

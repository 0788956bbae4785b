package backtest

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/memstore"
)

var t0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// instantReplay evaluates the rule files as a Prometheus server does, one
// rules.Group.Eval (instant queries, samples appended to storage) per group
// at each of its aligned times, groups due at one time in file order, and
// returns the episodes seen.
func instantReplay(t *testing.T, files []RuleFile, store *memstore.Store, from, to time.Time) []Episode {
	t.Helper()
	engine := promql.NewEngine(promql.EngineOpts{MaxSamples: 50_000_000, Timeout: time.Minute, EnableAtModifier: true, EnableNegativeOffset: true, Parser: parser.NewParser(parser.Options{})})
	rs, err := loadRules(files, LoadOptions{}, &rules.ManagerOptions{
		QueryFunc:    rules.EngineQueryFunc(engine, store),
		AppendableV2: store,
		Queryable:    store,
	})
	require.NoError(t, err)
	rs.restored() // as a server after start-up: ALERTS are written
	type due struct {
		at time.Time
		gi int
	}
	var plan []due
	for gi, g := range rs.groups {
		for _, at := range g.times(from, from, to.Add(time.Nanosecond)) {
			plan = append(plan, due{at, gi})
		}
	}
	slices.SortStableFunc(plan, func(a, b due) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.gi, b.gi)
	})
	tr := newTracker()
	for _, d := range plan {
		g := rs.groups[d.gi]
		g.g.Eval(context.Background(), d.at)
		for _, r := range g.rules {
			if a, ok := r.alerting(); ok {
				tr.observe(a, d.at)
			}
		}
	}
	return tr.episodes(from)
}

func TestRangeQueriesGiveTheSameTimelineAsInstantEvaluation(t *testing.T) {
	files := []RuleFile{{Path: "testdata/equiv.yaml"}}
	from, to := t0.Add(10*time.Minute), t0.Add(6*time.Hour)
	for _, window := range []time.Duration{17 * time.Minute, time.Hour, DefaultWindow} {
		t.Run(window.String(), func(t *testing.T) {
			base := memstore.New()
			appendGen(t, base.AppenderV2(context.Background()), t0, 0, 6*time.Hour+time.Minute, 15*time.Second, testSeries())
			want := instantReplay(t, files, base, from, to)

			rs, err := LoadRules(files, LoadOptions{})
			require.NoError(t, err)
			clean := memstore.New()
			appendGen(t, clean.AppenderV2(context.Background()), t0, 0, 6*time.Hour+time.Minute, 15*time.Second, testSeries())
			rep, err := Run(context.Background(), NewLocal(clean, LocalOptions{}), rs, Options{From: from, To: to, Window: window})
			require.NoError(t, err)

			require.NotEmpty(t, want)
			assert.Equal(t, want, rep.Episodes)
			alerts := map[string]bool{}
			for _, e := range want {
				alerts[e.Alert] = true
			}
			assert.Len(t, alerts, 9, "every alert of the file has episodes")
		})
	}
}

package backtest

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/memstore"
)

func TestLocalReadsBackWhatItRecords(t *testing.T) {
	base := memstore.New()
	src := NewLocal(base, LocalOptions{})
	defer src.Close()
	t0 := time.Unix(0, 0).UTC()
	rec := promql.Matrix{{
		Metric: labels.FromStrings("__name__", "job:up:sum"),
		Floats: []promql.FPoint{{T: 0, F: 1}, {T: 60_000, F: 2}},
	}}
	require.NoError(t, src.Record(rec))
	m, err := src.QueryRange(context.Background(), "job:up:sum * 10", t0, t0.Add(time.Minute), time.Minute)
	require.NoError(t, err)
	require.Len(t, m, 1)
	assert.Equal(t, []promql.FPoint{{T: 0, F: 10}, {T: 60_000, F: 20}}, m[0].Floats)
}

func TestErrorNamesRuleAndPosition(t *testing.T) {
	e := &Error{Kind: ErrTooManySeries, Rule: "AgentDown", Msg: "query returned 12 series, more than --max-series 10"}
	e.File, e.Line = "rules/a.yaml", 7
	assert.Equal(t, `rules/a.yaml:7: rule "AgentDown": query returned 12 series, more than --max-series 10`, e.Error())
	assert.Equal(t, "too-many-series", e.Kind.String())
}

func TestForgetKeepsOnlyWhatLaterQueriesRead(t *testing.T) {
	rs, err := LoadRules([]RuleFile{{Path: "testdata/equiv.yaml"}}, LoadOptions{})
	require.NoError(t, err)
	src := NewLocal(dataStore(t), LocalOptions{}).(*local)
	_, err = Run(context.Background(), src, rs, Options{From: t0, To: t0.Add(3 * time.Hour), Window: 20 * time.Minute})
	require.NoError(t, err)
	samples := 0
	for _, g := range src.gens {
		samples += g.store.NumSamples()
	}
	// Three recording rules, at most 3 series each, every 20s to 1m: over
	// the 3h range they write about 1,600 samples; one window and the
	// lookback (2m range + 5m lookback + interval) hold far fewer.
	t.Logf("%d samples in %d generations", samples, len(src.gens))
	assert.Less(t, samples, 400, "recorded samples held after the run")
	assert.LessOrEqual(t, len(src.gens), 3)
}

func TestRecordedNamesHideTheServersOwnOutput(t *testing.T) {
	run := func(withStored bool) []Episode {
		base := dataStore(t)
		if withStored {
			// What a server running other rules stored under the name a
			// recording rule of the set writes: it must not be read.
			stored := []genSeries{{labels.FromStrings("__name__", "instance:load:avg2m", "instance", "c"), func(time.Duration) float64 { return 100 }}}
			appendGen(t, base.AppenderV2(context.Background()), t0.Add(7*time.Second), 0, 3*time.Hour, time.Minute, stored)
		}
		rs, err := LoadRules([]RuleFile{{Path: "testdata/equiv.yaml"}}, LoadOptions{})
		require.NoError(t, err)
		rep, err := Run(context.Background(), NewLocal(base, LocalOptions{}), rs, Options{From: t0.Add(10 * time.Minute), To: t0.Add(3 * time.Hour)})
		require.NoError(t, err)
		return rep.Episodes
	}
	assert.Equal(t, run(false), run(true))
}

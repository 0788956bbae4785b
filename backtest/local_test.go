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

package exprpos_test

import (
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/exprpos"
)

func parse(t *testing.T, q string) *lint.Expr {
	t.Helper()
	ast, err := parser.NewParser(parser.Options{}).ParseExpr(q)
	require.NoError(t, err)
	return &lint.Expr{Query: q, AST: ast}
}

func TestThreshold(t *testing.T) {
	for _, tc := range []struct {
		query        string
		value        float64
		above, found bool
	}{
		{"up > 1", 1, true, true},
		{"0.5 >= up", 0.5, false, true},
		{"(up) < 3", 3, false, true},
		{"up > bool 1", 0, false, false},
		{"up + 1", 0, false, false},
	} {
		t.Run(tc.query, func(t *testing.T) {
			sp := lint.Selectors(parse(t, tc.query).AST)
			require.Len(t, sp, 1)
			v, above, ok := exprpos.Threshold(sp[0].VS, sp[0].Ancestors())
			assert.Equal(t, tc.found, ok)
			assert.Equal(t, tc.value, v)
			assert.Equal(t, tc.above, above)
		})
	}
}

func TestMatcherAndGroupingOffsets(t *testing.T) {
	e := parse(t, `sum by (job, code) (rate(x{code=~"5..", job="a"}[5m]))`)
	vs := lint.Selectors(e.AST)[0].VS
	for _, m := range vs.LabelMatchers {
		if m.Name == "job" {
			assert.Equal(t, `job="a"`, e.Query[exprpos.MatcherOffset(e, vs, m):][:7])
		}
	}
	assert.Equal(t, "code)", e.Query[exprpos.GroupingOffset(e, e.AST, "code"):][:5])
}

package promqlparser

import (
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExpressionsWithinTheBoundParseAsPrometheusParsesThem(t *testing.T) {
	p, plain := New(parser.Options{}), parser.NewParser(parser.Options{})
	for _, q := range []string{
		"up == 0",
		`sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05`,
		"max_over_time((a > 1)[10m:1m]) and on (job) b",
		"a" + strings.Repeat(" + a", MaxNesting-1),
		"rate(x[5m]", // a parse error is Prometheus's
		`"(((("`,     // parentheses in a string are not counted
	} {
		want, wantErr := plain.ParseExpr(q)
		got, err := p.ParseExpr(q)
		assert.Equal(t, wantErr, err, q)
		if wantErr == nil {
			assert.Equal(t, want.String(), got.String(), q)
		}
	}
}

func TestDeepExpressionsAreRefused(t *testing.T) {
	p := New(parser.Options{})
	for name, q := range map[string]string{
		"chain of divisions":  "a" + strings.Repeat(" / a", MaxNesting) + " > 0",
		"nested functions":    strings.Repeat("abs(", MaxNesting+1) + "a" + strings.Repeat(")", MaxNesting+1),
		"nested parentheses":  strings.Repeat("(", MaxNesting+1) + "a" + strings.Repeat(")", MaxNesting+1),
		"nested subqueries":   strings.Repeat("max_over_time(", MaxNesting/2+1) + "a" + strings.Repeat("[5m:])", MaxNesting/2+1),
		"a 5 MB chain of ors": "a" + strings.Repeat(" or a", 1_000_000),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := p.ParseExpr(q)
			var pe *parser.ParseErr
			require.True(t, errors.As(err, &pe), "got %v", err)
			assert.Contains(t, pe.Err.Error(), "more than 2000 operators, parentheses and brackets")
			assert.Greater(t, int(pe.PositionRange.Start), 0)
			assert.Less(t, int(pe.PositionRange.Start), len(q))
		})
	}
}

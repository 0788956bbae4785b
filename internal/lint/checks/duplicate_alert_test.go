package checks

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/linttest"
)

// Two rules with one expression always collide: an error. With different
// expressions they collide only when both fire for one series: a warning.
func TestDuplicateAlertSeverity(t *testing.T) {
	findings := linttest.Run(t, filepath.Join("testdata", "syntax", "duplicate-alert"), "testdata", DuplicateAlert, All())
	for _, f := range findings {
		if f.Check != DuplicateAlert.ID {
			continue
		}
		want := lint.Warning
		if strings.Contains(f.Message, "and the same expression") {
			want = lint.Error
		}
		assert.Equal(t, want, f.Severity, f.String())
	}
}

func TestExclusiveConditions(t *testing.T) {
	for _, tc := range []struct {
		a, b      string
		exclusive bool
	}{
		{`x == 0`, `x > 0`, true},
		{`x == 0`, `0 < x`, true},
		{`x >= 1`, `x < 1`, true},
		{`x >= 1`, `x <= 1`, false},
		{`x > 1`, `x > 2`, false},
		{`(time() - x > 86400) and (x > 0)`, `x == 0`, true},
		{`(time() - x > 86400) and on (job) (x > 0)`, `x == 0`, false},
		{`x{job="a"} == 0`, `x > 0`, false},
		{`x == 0`, `y > 0`, false},
		{`x == bool 0`, `x > 0`, false},
		{`x != 0`, `x == 0`, false},
		{`x offset 5m == 0`, `x offset 5m > 0`, false},
		{`y > 1 and x == 0`, `x > 0 and y > 1`, true},
	} {
		t.Run(tc.a+" / "+tc.b, func(t *testing.T) {
			p := parser.NewParser(parser.Options{})
			ea, err := p.ParseExpr(tc.a)
			require.NoError(t, err)
			eb, err := p.ParseExpr(tc.b)
			require.NoError(t, err)
			ra := &lint.Rule{Expr: &lint.Expr{AST: ea}}
			rb := &lint.Rule{Expr: &lint.Expr{AST: eb}}
			assert.Equal(t, tc.exclusive, exclusiveConditions(ra, rb))
		})
	}
}

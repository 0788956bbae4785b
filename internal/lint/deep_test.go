package lint_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/checks"
)

// chain is a left-deep chain of n divisions of one metric: as deep as it
// is long.
func chain(n int) string {
	return strings.Repeat("a / ", n) + "a"
}

func parseExpr(t testing.TB, q string) parser.Expr {
	t.Helper()
	e, err := parser.NewParser(parser.Options{}).ParseExpr(q)
	require.NoError(t, err)
	return e
}

// allocated is what f allocates, in bytes.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Selectors keeps each selector's ancestors as shared parent links: what
// it allocates grows with the expression, not with its square (a copy of
// the path per selector took 2.4 GB on a 60 KB dashboard expression).
func TestSelectorsOfADeepExpressionStayLinear(t *testing.T) {
	small, large := parseExpr(t, chain(2000)), parseExpr(t, chain(8000))
	var n int
	a := allocated(func() { n = len(lint.Selectors(small)) })
	b := allocated(func() { n += len(lint.Selectors(large)) })
	require.Equal(t, 2001+8001, n)
	assert.Less(t, b, 8*a, "4x the expression allocated %d bytes against %d", b, a)
	// The ancestors are the path, innermost first.
	sp := lint.Selectors(parseExpr(t, "sum(rate(a[5m])) > 1"))
	require.Len(t, sp, 1)
	var kinds []string
	for n := range sp[0].Ancestors() {
		kinds = append(kinds, typeName(n))
	}
	assert.Equal(t, []string{"MatrixSelector", "Call", "AggregateExpr", "BinaryExpr"}, kinds)
}

func typeName(n parser.Node) string {
	switch n.(type) {
	case *parser.MatrixSelector:
		return "MatrixSelector"
	case *parser.Call:
		return "Call"
	case *parser.AggregateExpr:
		return "AggregateExpr"
	case *parser.BinaryExpr:
		return "BinaryExpr"
	}
	return "other"
}

// TypeOf agrees with Prometheus's Type on every node.
func TestTypeOfIsPrometheusType(t *testing.T) {
	p := &lint.Project{}
	for _, q := range []string{"1 + 2", "a / 2", "(1) * -(2)", "scalar(a) + 1", "a / a / 3", "time() - 5", `"s"`, "a[5m]", "1 > bool 2", "vector(1) + 1"} {
		lint.Inspect(parseExpr(t, q), func(n parser.Node, _ []parser.Node) {
			if e, ok := n.(parser.Expr); ok {
				assert.Equal(t, e.Type(), p.TypeOf(e), "%s in %s", e, q)
			}
		})
	}
}

// BenchmarkLintDeepDashboardExpression lints a Grafana dashboard with one
// 60 KB expression, a chain of 15,000 divisions (Prometheus's parser
// alone takes seconds on it: it types the chain once per operator).
func BenchmarkLintDeepDashboardExpression(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "dashboards")
	require.NoError(b, os.MkdirAll(dir, 0o755))
	d := map[string]any{"title": "d", "panels": []any{map[string]any{"type": "timeseries", "title": "p", "targets": []any{map[string]any{"expr": chain(15000), "refId": "A"}}}}}
	js, err := json.Marshal(d)
	require.NoError(b, err)
	require.NoError(b, os.WriteFile(filepath.Join(dir, "d.json"), js, 0o644))
	b.ReportAllocs()
	for b.Loop() {
		_, err := lint.Run([]string{dir}, lint.Options{Checks: checks.All()})
		require.NoError(b, err)
	}
}

package mutation

import (
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func afters(ms []Mutant) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.After)
	}
	return out
}

func opNamed(t *testing.T, name string) Operator {
	ops, unknown := Select([]string{name})
	require.Empty(t, unknown)
	require.Len(t, ops, 1)
	return ops[0]
}

// TestOperators: each operator makes the intended expressions, printed by
// the PromQL parser.
func TestOperators(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	for _, tc := range []struct {
		op   string
		rule rulefmt.Rule
		want []string
	}{
		{"threshold", rulefmt.Rule{Alert: "A", Expr: "cpu > 0.9"}, []string{"cpu > 0.8", "cpu > 1"}},
		{"threshold", rulefmt.Rule{Alert: "A", Expr: "errors >= 100"}, []string{"errors >= 90", "errors >= 110"}},
		{"threshold", rulefmt.Rule{Alert: "A", Expr: "5 < x"}, []string{"4 < x", "6 < x"}},
		{"threshold", rulefmt.Rule{Alert: "A", Expr: "up == 0"}, []string{"up == -1", "up == 1"}},
		{"threshold", rulefmt.Rule{Alert: "A", Expr: "a > b"}, nil},
		{"strictness", rulefmt.Rule{Alert: "A", Expr: "cpu > 0.9"}, []string{"cpu >= 0.9"}},
		{"strictness", rulefmt.Rule{Alert: "A", Expr: "cpu <= 3"}, []string{"cpu < 3"}},
		{"strictness", rulefmt.Rule{Alert: "A", Expr: "up == 0"}, nil},
		{"comparison", rulefmt.Rule{Alert: "A", Expr: "up == 0"}, []string{"up != 0"}},
		{"comparison", rulefmt.Rule{Alert: "A", Expr: "a > b"}, []string{"a < b"}},
		{"comparison", rulefmt.Rule{Alert: "A", Expr: "a >= 1"}, []string{"a <= 1"}},
		{"range", rulefmt.Rule{Alert: "A", Expr: "rate(x[5m]) > 1"}, []string{"rate(x[1m]) > 1", "rate(x[15m]) > 1"}},
		{"matcher-drop", rulefmt.Rule{Alert: "A", Expr: `up{job="api",env="prod"} == 0`}, []string{`up{job="api"} == 0`, `up{env="prod"} == 0`}},
		{"matcher-drop", rulefmt.Rule{Alert: "A", Expr: `{job="api"}`}, nil}, // an empty selector does not parse
		{"matcher-negate", rulefmt.Rule{Alert: "A", Expr: `up{job="api",env=~"p.*"} == 0`}, []string{`up{env!~"p.*",job="api"} == 0`, `up{env=~"p.*",job!="api"} == 0`}},
		{"grouping", rulefmt.Rule{Alert: "A", Expr: "sum by (job, instance) (x)"}, []string{"sum by (instance) (x)", "sum by (job) (x)"}},
		{"grouping", rulefmt.Rule{Alert: "A", Expr: "sum without (pod) (x)"}, []string{"sum without (pod, instance) (x)"}},
		{"aggregation", rulefmt.Rule{Alert: "A", Expr: "sum(x) > 1"}, []string{"max(x) > 1"}},
		{"aggregation", rulefmt.Rule{Alert: "A", Expr: "max by (job) (x)"}, []string{"sum by (job) (x)"}},
		{"function", rulefmt.Rule{Alert: "A", Expr: "rate(x[5m]) > 1"}, []string{"irate(x[5m]) > 1", "increase(x[5m]) > 1"}},
		{"function", rulefmt.Rule{Alert: "A", Expr: "increase(x[1h])"}, []string{"rate(x[1h])"}},
		{"set-operand", rulefmt.Rule{Alert: "A", Expr: "x > 1 unless on (job) maintenance"}, []string{"x > 1"}},
		{"set-operand", rulefmt.Rule{Alert: "A", Expr: "(a and b) or c"}, []string{"(a) or c"}},
		{"for", rulefmt.Rule{Alert: "A", Expr: "x", For: model.Duration(5 * 60e9)}, []string{"2m30s", "10m", "0s"}},
		{"for", rulefmt.Rule{Alert: "A", Expr: "x"}, nil},
		{"keep_firing_for", rulefmt.Rule{Alert: "A", Expr: "x", KeepFiringFor: model.Duration(10 * 60e9)}, []string{"5m", "20m", "0s"}},
		{"label-drop", rulefmt.Rule{Alert: "A", Expr: "x", Labels: map[string]string{"severity": "critical", "team": "db"}}, []string{"(no severity)", "(no team)"}},
	} {
		t.Run(tc.op+" "+tc.rule.Expr, func(t *testing.T) {
			got := Generate(tc.rule, []Operator{opNamed(t, tc.op)}, p)
			assert.Equal(t, tc.want, afters(got))
			for _, m := range got {
				assert.Equal(t, tc.op, m.Operator)
				assert.NotEmpty(t, m.Hint)
				if m.Field == "expr" {
					assert.Equal(t, m.After, m.Rule.Expr)
				}
			}
		})
	}
}

// TestOperatorExamples: every operator has a doc and an example, and an
// expression example (what --list prints) is one of its own mutants.
func TestOperatorExamples(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	for _, op := range Operators() {
		assert.NotEmpty(t, op.Doc, op.Name)
		assert.NotEmpty(t, op.Example[0], op.Name)
		if _, err := p.ParseExpr(op.Example[0]); err != nil {
			continue // a field (for:, labels:), not an expression
		}
		got := afters(Generate(rulefmt.Rule{Alert: "A", Expr: op.Example[0]}, []Operator{op}, p))
		assert.Contains(t, got, op.Example[1], op.Name)
	}
}

func TestLabelDropLeavesOriginal(t *testing.T) {
	r := rulefmt.Rule{Alert: "A", Expr: "x", Labels: map[string]string{"severity": "critical"}}
	ms := Generate(r, []Operator{opNamed(t, "label-drop")}, parser.NewParser(parser.Options{}))
	require.Len(t, ms, 1)
	assert.Empty(t, ms[0].Rule.Labels)
	assert.Equal(t, "critical", r.Labels["severity"])
}

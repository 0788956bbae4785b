package lint

import (
	"maps"
	"slices"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValueLabels(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{`count_values("v", x)`, []string{"v"}},
		{`count_values by (job) ("v", x) > 1`, []string{"v"}},
		{`1 < count_values("v", x)`, []string{"v"}},
		{`sum by (job) (count_values("v", x))`, nil},
		{`sum without (job) (count_values("v", x))`, []string{"v"}},
		{`sum without (v) (count_values("v", x))`, nil},
		{`topk(3, count_values("v", x))`, []string{"v"}},
		{`abs(count_values("v", x))`, []string{"v"}},
		{`max_over_time(count_values("v", x)[10m:1m])`, []string{"v"}},
		{`count_values("v", x) and on (job) up`, []string{"v"}},
		{`up and on (job) count_values("v", x)`, nil},
		{`up or count_values("v", x)`, []string{"v"}},
		{`count_values("v", x) / ignoring (v) up`, nil},
		{`count_values("v", x) / on (v) up`, []string{"v"}},
		{`up * on (job) group_left (v) count_values by (job) ("v", x)`, []string{"v"}},
		{`count_values("v", x) * on (job) group_left (v) up`, nil},
		{`label_replace(count_values("v", x), "w", "$1", "v", "(.*)")`, []string{"v", "w"}},
		{`label_replace(count_values("v", x), "w", "fixed", "v", "(.*)")`, []string{"v"}},
		{`label_replace(up, "w", "$1", "job", "(.*)")`, nil},
		{`label_join(count_values("v", x), "w", ",", "job", "v")`, []string{"v", "w"}},
		{`label_join(count_values("v", x), "v", ",", "job")`, nil},
		{`absent(count_values("v", x))`, nil},
		{`vector(1)`, nil},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := parser.NewParser(parser.Options{}).ParseExpr(tc.expr)
			require.NoError(t, err)
			p := &Project{}
			got := slices.Sorted(maps.Keys(p.ValueLabels(e)))
			assert.Equal(t, tc.want, got)
		})
	}
}

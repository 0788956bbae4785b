package linttest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/position"
)

func TestParseWant(t *testing.T) {
	tests := []struct {
		spec string
		want []string // check and regexp
		err  string
	}{
		{`"promql/rate-on-gauge"`, []string{"promql/rate-on-gauge", ""}, ""},
		{`promql/raw-counter "never resolves"`, []string{"promql/raw-counter", "never resolves"}, ""},
		{`"a/b" "x\\(y" c/d`, []string{"a/b", `x\(y`, "c/d", ""}, ""},
		{"a/b `\\$labels`", []string{"a/b", `\$labels`}, ""},
		{`a/b "\$invalid go escape"`, []string{"a/b", `\$invalid go escape`}, ""},
		{`nonsense`, nil, "is not a check ID"},
		{`a/b "(unclosed"`, nil, "bad want regexp"},
		{``, nil, "without a check ID"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			es, err := ParseWant("f", 1, tt.spec)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			var got []string
			for _, e := range es {
				re := ""
				if e.Msg != nil {
					re = e.Msg.String()
				}
				got = append(got, e.Check, re)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCompare(t *testing.T) {
	want, err := ParseWant("f", 3, `a/b "one" c/d`)
	require.NoError(t, err)
	findings := []lint.Finding{
		{Range: position.At("f", 3, 0), Check: "a/b", Message: "number one"},
		{Range: position.At("f", 3, 0), Check: "a/b", Message: "number two"},
		{Range: position.At("f", 4, 0), Check: "x/y", Message: "m"},
	}
	problems := Compare(findings, want)
	assert.Equal(t, []string{
		"unexpected finding f:3:0: off a/b: number two",
		"unexpected finding f:4:0: off x/y: m",
		"no finding for want f:3: c/d",
	}, problems)
}

package checks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInspectTemplate(t *testing.T) {
	tests := []struct {
		text   string
		labels []labelRef
		values []valueUse
	}{
		{"a {{ $labels.x }}", []labelRef{{"x", 5}}, nil},
		{"{{ .Labels.yy }} b", []labelRef{{"yy", 3}}, nil},
		{`{{ index $labels "z" }}`, []labelRef{{"z", 17}}, nil},
		{"{{ $value }}", nil, []valueUse{{3, false, ""}}},
		{"{{ $value | humanizePercentage }}", nil, []valueUse{{3, true, "humanizePercentage"}}},
		{`{{ printf "%.2f" .Value }}`, nil, []valueUse{{17, true, "printf"}}},
		{"{{ if gt $value 1.0 }}big{{ end }}", nil, nil},
		{"{{ $v := $value }}", nil, nil},
		{"{{ with $labels.a }}{{ .Labels.nope }}{{ end }}", []labelRef{{"a", 8}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			info := inspectTemplate(tt.text)
			require.NotNil(t, info)
			assert.Equal(t, tt.labels, info.Labels)
			assert.Equal(t, tt.values, info.Values)
		})
	}
	assert.Nil(t, inspectTemplate("{{ $labels.x "))
}

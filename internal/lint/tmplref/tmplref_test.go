package tmplref

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInspectTemplate(t *testing.T) {
	tests := []struct {
		text   string
		labels []LabelRef
		values []ValueUse
	}{
		{"a {{ $labels.x }}", []LabelRef{{"x", 5}}, nil},
		{"{{ .Labels.yy }} b", []LabelRef{{"yy", 3}}, nil},
		{`{{ index $labels "z" }}`, []LabelRef{{"z", 17}}, nil},
		{"{{ $value }}", nil, []ValueUse{{3, false, ""}}},
		{"{{ $value | humanizePercentage }}", nil, []ValueUse{{3, true, "humanizePercentage"}}},
		{`{{ printf "%.2f" .Value }}`, nil, []ValueUse{{17, true, "printf"}}},
		{"{{ if gt $value 1.0 }}big{{ end }}", nil, nil},
		{"{{ $v := $value }}", nil, nil},
		{"{{ with $labels.a }}{{ .Labels.nope }}{{ end }}", []LabelRef{{"a", 8}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			info := Inspect(tt.text)
			require.NotNil(t, info)
			assert.Equal(t, tt.labels, info.Labels)
			assert.Equal(t, tt.values, info.Values)
		})
	}
	assert.Nil(t, Inspect("{{ $labels.x "))
}

// A template without "{{" is answered without parsing: the same as the
// full parse gives.
func TestInspectPlainTextShortcut(t *testing.T) {
	for _, text := range []string{"", "Disk is full.", "a }} b", "{ $labels.x }", "100% {not an action}", "line\nbreak $value"} {
		t.Run(text, func(t *testing.T) {
			require.True(t, IsPlainText(text))
			assert.Equal(t, inspect(text), Inspect(text))
		})
	}
	assert.False(t, IsPlainText("{{ $value }}"))
}

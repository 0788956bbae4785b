package position

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestString(t *testing.T) {
	for _, tc := range []struct {
		r    Range
		want string
	}{
		{Range{File: "a.yaml"}, "a.yaml"},
		{At("a.yaml", 3, 0), "a.yaml:3"},
		{At("a.yaml", 3, 7), "a.yaml:3:7"},
		{Range{Line: 3, Column: 7}, "3:7"},
		{Range{File: "a.yaml", Column: 7}, "a.yaml"},
	} {
		assert.Equal(t, tc.want, tc.r.String())
	}
}

func TestEnd(t *testing.T) {
	l, c := At("f", 2, 5).End()
	assert.Equal(t, []int{2, 5}, []int{l, c})
	l, c = Range{File: "f", Line: 2, Column: 5, EndLine: 4, EndColumn: 1}.End()
	assert.Equal(t, []int{4, 1}, []int{l, c})
}

func TestJSONEmbedded(t *testing.T) {
	type finding struct {
		Range
		Message string `json:"message"`
	}
	b, err := json.Marshal(finding{Range: At("r.yaml", 4, 2), Message: "m"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"file":"r.yaml","line":4,"column":2,"message":"m"}`, string(b))
}

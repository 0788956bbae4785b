package harness

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLineDiff(t *testing.T) {
	for _, tc := range []struct {
		name     string
		exp, got []string
		want     string
	}{
		{"equal", []string{"a", "b"}, []string{"a", "b"}, "  a\n  b\n"},
		{"missing", []string{"a", "b"}, []string{"a"}, "  a\n- b\n"},
		{"extra", []string{"a"}, []string{"a", "b"}, "  a\n+ b\n"},
		{"changed", []string{"a", "b", "c"}, []string{"a", "x", "c"}, "  a\n- b\n+ x\n  c\n"},
		{"nothing got", []string{"a"}, nil, "- a\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, lineDiff(tc.exp, tc.got))
		})
	}
}

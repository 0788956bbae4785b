package harness

import (
	"fmt"
	"runtime"
	"strings"
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

// TestLineDiffBounded: lists too long for the table are printed in full
// with a note, around their common head and tail, without the n×m table.
func TestLineDiffBounded(t *testing.T) {
	var exp, got []string
	exp = append(exp, "same head")
	got = append(got, "same head")
	for i := range 5000 {
		exp = append(exp, fmt.Sprintf("e%d", i))
		got = append(got, fmt.Sprintf("g%d", i))
	}
	exp = append(exp, "same tail")
	got = append(got, "same tail")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d := lineDiff(exp, got)
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20))
	lines := strings.Split(strings.TrimSuffix(d, "\n"), "\n")
	assert.Equal(t, "  same head", lines[0])
	assert.Equal(t, "  (5000 expected and 5000 actual lines differ: too many for a line diff, printed in full)", lines[1])
	assert.Equal(t, "- e0", lines[2])
	assert.Equal(t, "+ g0", lines[5002])
	assert.Equal(t, "  same tail", lines[len(lines)-1])
	assert.Len(t, lines, 10003)
}

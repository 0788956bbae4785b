package lint

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSharedComputesOncePerKey(t *testing.T) {
	calls := 0
	length := &Shared[string, int]{Name: "length", Compute: func(_ *Project, s string) int {
		calls++
		return len(s)
	}}
	other := &Shared[string, int]{Name: "other", Compute: func(*Project, string) int { return -1 }}
	p := &Project{}
	assert.Equal(t, 3, length.Get(p, "abc"))
	assert.Equal(t, 3, length.Get(p, "abc"))
	assert.Equal(t, 1, length.Get(p, "x"))
	assert.Equal(t, 2, calls)
	assert.Equal(t, -1, other.Get(p, "abc"), "results of different Shared values are kept apart")
	assert.Equal(t, 3, length.Get(&Project{}, "abc"))
	assert.Equal(t, 3, calls, "each project computes its own")
}

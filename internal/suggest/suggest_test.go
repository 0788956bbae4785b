package suggest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNearest(t *testing.T) {
	commands := []string{"test", "lint", "catalog", "compat", "check", "version", "help"}
	for _, tc := range []struct {
		word string
		want string
		ok   bool
	}{
		{"tset", "test", true},
		{"lnit", "lint", true},
		{"catalgo", "catalog", true},
		{"verison", "version", true},
		{"strcit", "strict", false}, // not a command
		{"xyz", "", false},
		{"test", "", false}, // itself is no suggestion
	} {
		got, ok := Nearest(tc.word, commands)
		assert.Equal(t, tc.ok, ok, tc.word)
		if tc.ok {
			assert.Equal(t, tc.want, got, tc.word)
		}
	}
	got, ok := Nearest("strcit", []string{"strict", "run", "debug"})
	assert.True(t, ok)
	assert.Equal(t, "strict", got)
	got, ok = Nearest("highfree", []string{"HighFree", "LowFree"})
	assert.True(t, ok)
	assert.Equal(t, "HighFree", got)
}

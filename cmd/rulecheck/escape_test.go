package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A file name with a newline and an escape sequence, in the error every
// command prints on standard error, cannot forge a line or drive the
// terminal: control characters are escaped and a message's further lines
// are indented.
func TestErrorsOnStderrAreEscaped(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x\nfake.yaml:1:1: error forged\x1b[31m.yaml")
	require.NoError(t, os.WriteFile(name, []byte("groups:\n- name: g\n  rules: []\n"), 0o644))
	for _, args := range [][]string{
		{"catalog", name},
		{"explain", name},
		{"mutate", name},
		{"lint", "--catalog", name, dir},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, _, stderr := runCLI(args...)
			assert.Equal(t, exitBadInput, code)
			assert.NotContains(t, stderr, "\x1b")
			for _, line := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
				assert.True(t, strings.HasPrefix(line, "rulecheck") || strings.HasPrefix(line, "    "), "line %q", line)
			}
		})
	}
}

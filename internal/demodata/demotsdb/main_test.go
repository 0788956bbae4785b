package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"no directory", nil, 2, ""},
		{"too few series", []string{"-out", filepath.Join(dir, "a"), "-series", "3"}, 2, ""},
		{"bad start", []string{"-out", filepath.Join(dir, "b"), "-start", "monday"}, 2, ""},
		{"a day", []string{"-out", filepath.Join(dir, "c"), "-days", "1", "-series", "125", "-interval", "5m"}, 0, "planted incidents:"},
		{"not empty", []string{"-out", filepath.Join(dir, "c"), "-days", "1"}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, tc.code, run(tc.args, &out, &errb), errb.String())
			assert.Contains(t, out.String(), tc.out)
		})
	}
}

//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSpecialFilesRefused: every path any command reads, when it names a
// device (directly or through a symbolic link) or a named pipe, is refused
// at once with exit 2 and a message naming it, never read or waited on.
func TestSpecialFilesRefused(t *testing.T) {
	dir, fixture := writeSuite(t)
	rules := filepath.Join(dir, "rules.yaml")
	fifo := filepath.Join(dir, "pipe.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	zero := filepath.Join(dir, "zero.yaml")
	require.NoError(t, os.Symlink("/dev/zero", zero))

	// A test file whose rule file is the special file.
	withRules := func(name, target string) string {
		p := filepath.Join(dir, name)
		b := strings.Replace(passingFixture, "rules.yaml", filepath.Base(target), 1)
		require.NoError(t, os.WriteFile(p, []byte(b), 0o644))
		return p
	}
	for _, special := range []struct {
		name, path, msg string
	}{
		{"named pipe", fifo, "is a named pipe (FIFO), expected a regular file"},
		{"symlink to /dev/zero", zero, "is a character device, expected a regular file"},
		{"/dev/urandom", "/dev/urandom", "is a character device, expected a regular file"},
	} {
		for _, c := range []struct {
			name string
			args []string
		}{
			{"test file", []string{"test", "--catalog=", special.path}},
			{"rule file", []string{"test", "--catalog=", withRules("uses-"+filepath.Base(special.path)+"_test.yaml", special.path)}},
			{"test catalog", []string{"test", "--catalog", special.path, fixture}},
			{"lint file", []string{"lint", "--config", os.DevNull, special.path}},
			{"lint catalog", []string{"lint", "--config", os.DevNull, "--catalog", special.path, rules}},
			{"lint --prometheus", []string{"lint", "--config", os.DevNull, "--prometheus", special.path, rules}},
			{"lint --config", []string{"lint", "--config", special.path, rules}},
			{"catalog source", []string{"catalog", special.path}},
			{"catalog --check", []string{"catalog", "--check", special.path}},
		} {
			if special.path == "/dev/urandom" && c.name == "rule file" {
				continue // rule_files are taken relative to the test file
			}
			t.Run(special.name+"/"+c.name, func(t *testing.T) {
				type result struct {
					code           int
					stdout, stderr string
				}
				done := make(chan result, 1)
				go func() {
					code, stdout, stderr := runArgs(c.args...)
					done <- result{code, stdout, stderr}
				}()
				select {
				case r := <-done:
					assert.Equal(t, exitBadInput, r.code, r.stdout+r.stderr)
					assert.Contains(t, r.stdout+r.stderr, special.msg)
				case <-time.After(10 * time.Second):
					t.Fatal("blocked on a special file")
				}
			})
		}
	}
}

//go:build unix

package inputfile

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

func TestRead(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ok.yaml")
	require.NoError(t, os.WriteFile(file, []byte("a: 1\n"), 0o644))
	big := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(big, []byte(strings.Repeat("x", 2000)), 0o644))
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	link := func(name, target string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.Symlink(target, p))
		return p
	}
	old := MaxSize
	MaxSize = 1000
	t.Cleanup(func() { MaxSize = old })

	for _, c := range []struct {
		name, path string
		kind       Kind
		msg        string
	}{
		{"regular file", file, 0, ""},
		{"symlink to a regular file", link("ok-link", file), 0, ""},
		{"missing", filepath.Join(dir, "missing"), NotFound, "no such file"},
		{"directory", dir, NotRegular, "is a directory, expected a file"},
		{"named pipe", fifo, NotRegular, "is a named pipe (FIFO), expected a regular file"},
		{"/dev/zero", "/dev/zero", NotRegular, "is a character device, expected a regular file"},
		{"symlink to /dev/urandom", link("random", "/dev/urandom"), NotRegular, "is a character device, expected a regular file"},
		{"/dev/null reads as empty", "/dev/null", -1, ""},
		{"larger than the limit", big, TooLarge, "file is larger than the limit of 1000 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan struct{})
			var b []byte
			var err error
			go func() { b, err = Read(c.path); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Read blocked")
			}
			if c.kind == -1 {
				require.NoError(t, err)
				assert.Empty(t, b)
				return
			}
			if c.kind == 0 {
				require.NoError(t, err)
				assert.Equal(t, "a: 1\n", string(b))
				st, err := os.Stat(c.path)
				require.NoError(t, err)
				assert.True(t, WasRead(st))
				return
			}
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, c.kind, e.Kind)
			assert.Equal(t, c.msg, e.Msg())
			assert.Equal(t, c.path+": "+c.msg, e.Error())
			if c.kind != NotFound {
				assert.NoError(t, Check(file))
				assert.Error(t, Check(c.path))
			}
		})
	}
}

func TestReadLimited(t *testing.T) {
	b, err := ReadLimited(strings.NewReader("abc"), 3)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(b))
	_, err = ReadLimited(strings.NewReader("abcd"), 3)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, TooLarge, e.Kind)
}

//go:build unix

package outfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/inputfile"
)

func TestCommitWritesIntoTheNamedPath(t *testing.T) {
	dir := t.TempDir()
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })

	t.Run("new file: mode 0644 minus umask", func(t *testing.T) {
		p := filepath.Join(dir, "new.xml")
		o, err := Open(p, nil)
		require.NoError(t, err)
		_, _ = o.Write([]byte("report"))
		require.NoError(t, o.Commit())
		st, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
		assertContent(t, p, "report")
	})
	t.Run("existing longer file is truncated, its mode kept", func(t *testing.T) {
		p := filepath.Join(dir, "old.xml")
		require.NoError(t, os.WriteFile(p, []byte("an old and longer report"), 0o600))
		o, err := Open(p, nil)
		require.NoError(t, err)
		_, _ = o.Write([]byte("new"))
		require.NoError(t, o.Commit())
		assertContent(t, p, "new")
		st, _ := os.Stat(p)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	})
	t.Run("symlink is followed, not replaced", func(t *testing.T) {
		target := filepath.Join(dir, "target.xml")
		require.NoError(t, os.WriteFile(target, []byte("old"), 0o644))
		link := filepath.Join(dir, "link.xml")
		require.NoError(t, os.Symlink(target, link))
		o, err := Open(link, nil)
		require.NoError(t, err)
		_, _ = o.Write([]byte("via link"))
		require.NoError(t, o.Commit())
		st, err := os.Lstat(link)
		require.NoError(t, err)
		assert.True(t, st.Mode()&os.ModeSymlink != 0, "the link was replaced")
		assertContent(t, target, "via link")
	})
	t.Run("device stays a device", func(t *testing.T) {
		o, err := Open("/dev/null", nil)
		require.NoError(t, err)
		_, _ = o.Write([]byte("x"))
		require.NoError(t, o.Commit())
		st, err := os.Stat("/dev/null")
		require.NoError(t, err)
		assert.True(t, st.Mode()&os.ModeCharDevice != 0)
	})
}

func TestAbortLeavesNoHalfReport(t *testing.T) {
	dir := t.TempDir()
	created := filepath.Join(dir, "created.xml")
	o, err := Open(created, nil)
	require.NoError(t, err)
	_, _ = o.Write([]byte("half"))
	assert.True(t, o.Abort())
	_, err = os.Stat(created)
	assert.ErrorIs(t, err, os.ErrNotExist)

	existing := filepath.Join(dir, "existing.xml")
	require.NoError(t, os.WriteFile(existing, []byte("previous"), 0o644))
	o, err = Open(existing, nil)
	require.NoError(t, err)
	_, _ = o.Write([]byte("half"))
	assert.Equal(t, []string{existing}, AbortAll())
	assertContent(t, existing, "previous")
	assert.False(t, o.Abort(), "aborted twice")
}

func TestRefusesInputs(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "test.yaml")
	require.NoError(t, os.WriteFile(in, []byte("tests: []\n"), 0o644))
	link := filepath.Join(dir, "alias.yaml")
	require.NoError(t, os.Symlink(in, link))

	_, err := Open(link, []string{in})
	require.ErrorContains(t, err, "is also an input")
	_, err = Open(dir, nil)
	require.ErrorContains(t, err, "is a directory")

	// A file read during the run (a rule file found while running) is
	// refused when the report is written, and left as it was.
	other := filepath.Join(dir, "rules.yaml")
	require.NoError(t, os.WriteFile(other, []byte("groups: []\n"), 0o644))
	o, err := Open(other, nil)
	require.NoError(t, err)
	_, err = inputfile.Read(other)
	require.NoError(t, err)
	_, _ = o.Write([]byte("report"))
	require.ErrorContains(t, o.Commit(), "was read as an input")
	assertContent(t, other, "groups: []\n")
}

func assertContent(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, string(b))
}

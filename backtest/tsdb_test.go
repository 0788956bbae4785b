package backtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/prometheus/tsdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dirState lists a directory tree's paths with their sizes and times, to
// show that opening it changed nothing.
func dirState(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	require.NoError(t, filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		require.NoError(t, err)
		out[p] = fi.Mode().String() + " " + fi.ModTime().String() + " " + strconv.FormatInt(fi.Size(), 10)
		return nil
	}))
	return out
}

func TestOpenTSDBReadsBlocksAndLeavesTheDirectoryAlone(t *testing.T) {
	dir := t.TempDir()
	writeTSDB(t, dir, t0, 3*time.Hour, 15*time.Second, time.Hour, testSeries())
	before := dirState(t, dir)

	db, err := OpenTSDB(dir)
	require.NoError(t, err)
	ok, err := HasData(context.Background(), db, t0.UnixMilli(), t0.Add(time.Hour).UnixMilli())
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = HasData(context.Background(), db, t0.Add(5*time.Hour).UnixMilli(), t0.Add(6*time.Hour).UnixMilli())
	require.NoError(t, err)
	assert.False(t, ok, "no data after the end")

	rs, err := LoadRules([]RuleFile{{Path: "testdata/equiv.yaml"}}, LoadOptions{})
	require.NoError(t, err)
	rep, err := Run(context.Background(), NewLocal(db, LocalOptions{}), rs, Options{From: t0.Add(10 * time.Minute), To: t0.Add(3 * time.Hour)})
	require.NoError(t, err)
	assert.NotEmpty(t, rep.Episodes)
	sandbox := db.sandbox
	assert.DirExists(t, sandbox)
	require.NoError(t, db.Close())
	assert.Equal(t, before, dirState(t, dir))
	assert.NoDirExists(t, sandbox, "the sandbox is removed")
}

func TestOpenTSDBBadDirectories(t *testing.T) {
	empty := t.TempDir()
	file := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	corrupt := t.TempDir()
	writeTSDB(t, corrupt, t0, time.Hour, 15*time.Second, time.Hour, testSeries())
	blocks, _ := filepath.Glob(filepath.Join(corrupt, "01*"))
	require.NotEmpty(t, blocks)
	require.NoError(t, os.WriteFile(filepath.Join(blocks[0], "index"), []byte("not an index"), 0o600))

	for name, dir := range map[string]string{
		"missing":   filepath.Join(empty, "nope"),
		"empty":     empty,
		"a file":    file,
		"corrupted": corrupt,
	} {
		t.Run(name, func(t *testing.T) {
			db, err := OpenTSDB(dir)
			assert.Nil(t, db)
			var e *Error
			require.True(t, errors.As(err, &e), "%v", err)
			assert.Equal(t, ErrSource, e.Kind)
			assert.Equal(t, dir, e.File)
		})
	}
}

func TestOpenTSDBReplaysTheWriteAheadLog(t *testing.T) {
	dir := t.TempDir()
	db, err := tsdb.Open(dir, nopLogger, nil, tsdb.DefaultOptions(), nil)
	require.NoError(t, err)
	appendGen(t, db.AppenderV2(context.Background()), t0, 0, time.Hour, 15*time.Second, testSeries())
	require.NoError(t, db.Close())
	before := dirState(t, dir)

	ro, err := OpenTSDB(dir)
	require.NoError(t, err)
	ok, err := HasData(context.Background(), ro, t0.UnixMilli(), t0.Add(time.Hour).UnixMilli())
	require.NoError(t, err)
	assert.True(t, ok)
	require.NoError(t, ro.Close())
	assert.Equal(t, before, dirState(t, dir))
}

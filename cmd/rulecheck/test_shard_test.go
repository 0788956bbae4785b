package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testVerdicts runs rulecheck test with --format json and returns each
// test group's status by file and line.
func testVerdicts(t *testing.T, args ...string) map[string]string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"test", "--format", "json"}, args...), &out, &errOut)
	require.Contains(t, []int{exitOK, exitFailed}, code, errOut.String())
	var rep struct {
		Files []struct {
			Path  string `json:"path"`
			Tests []struct {
				Line   int    `json:"line"`
				Status string `json:"status"`
			} `json:"tests"`
		} `json:"files"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	v := map[string]string{}
	for _, f := range rep.Files {
		for _, tg := range f.Tests {
			v[fmt.Sprintf("%s:%d", f.Path, tg.Line)] = tg.Status
		}
	}
	return v
}

// TestTestShardsCoverEveryGroupOnce: the shards of --shard K/N together
// run every test group of the unsharded run exactly once, with the same
// verdicts.
func TestTestShardsCoverEveryGroupOnce(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	all := testVerdicts(t, "fixtures")
	require.NotEmpty(t, all)
	for _, n := range []int{1, 3, 4} {
		union := map[string]string{}
		for k := 1; k <= n; k++ {
			for id, v := range testVerdicts(t, "--shard", fmt.Sprintf("%d/%d", k, n), "fixtures") {
				_, seen := union[id]
				assert.False(t, seen, "%s in two shards of %d", id, n)
				union[id] = v
			}
		}
		assert.Equal(t, all, union, "shards of %d", n)
	}
}

// TestTestShardRefusesCoverage: coverage needs every test file, so a
// shard with coverage is bad input.
func TestTestShardRefusesCoverage(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	for _, args := range [][]string{
		{"test", "--shard", "1/2", "--coverage", "fixtures"},
		{"test", "--shard", "1/2", "--min-coverage", "100", "fixtures"},
		{"test", "--shard", "0/2", "fixtures"},
	} {
		var out, errOut bytes.Buffer
		assert.Equal(t, exitBadInput, run(args, &out, &errOut), "%v", args)
		assert.Contains(t, errOut.String(), "--shard", "%v", args)
	}
}

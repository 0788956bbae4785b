package mutation

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

// TestMergeShards: the shards' JSON reports merge into the unsharded run's
// report, byte for byte in every format.
func TestMergeShards(t *testing.T) {
	paths := []string{"testdata/one-alert.yaml", "testdata/weak.yaml", "testdata/strong.yaml"}
	opts := harness.Options{NoCatalog: true}
	whole, err := Run(paths, Config{Options: opts})
	require.NoError(t, err)
	var shards []*Report
	for k := 1; k <= 3; k++ {
		rep, err := Run(paths, Config{Options: opts, Shard: Shard{K: k, Of: 3}})
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, "json", rep))
		back, err := ReadReport(&buf)
		require.NoError(t, err)
		shards = append(shards, back)
	}
	merged, err := Merge([]*Report{shards[2], shards[0], shards[1]})
	require.NoError(t, err)
	for _, format := range Formats {
		var a, b bytes.Buffer
		require.NoError(t, Write(&a, format, whole))
		require.NoError(t, Write(&b, format, merged))
		assert.Equal(t, a.String(), b.String(), format)
	}
	_, err = Merge(shards[:2])
	assert.ErrorContains(t, err, "2 of 3 shards")
	_, err = Merge([]*Report{shards[0], shards[0], shards[1]})
	assert.Error(t, err)
}

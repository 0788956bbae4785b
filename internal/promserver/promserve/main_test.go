package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/demodata"
)

func TestRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, err := demodata.Write(context.Background(), dir, demodata.Options{Days: 1, Series: demodata.MinSeries, Interval: 5 * time.Minute})
	require.NoError(t, err)
	var out, errb bytes.Buffer
	assert.Equal(t, 2, run(nil, &out, &errb, func() {}))
	assert.Equal(t, 0, run([]string{"-tsdb", dir, "-listen", "127.0.0.1:0"}, &out, &errb, func() {}), errb.String())
	assert.Contains(t, out.String(), "/api/v1/read")
}

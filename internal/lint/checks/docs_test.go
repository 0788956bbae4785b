package checks

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite docs/lint.md")

const docsPath = "../../../docs/lint.md"

// TestDocs fails when docs/lint.md is not what the checks generate; run
// with -update to regenerate it.
func TestDocs(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteDocs(&buf))
	if *update {
		require.NoError(t, os.WriteFile(docsPath, buf.Bytes(), 0o644))
		return
	}
	have, err := os.ReadFile(docsPath)
	require.NoError(t, err, "run go test ./internal/lint/checks -run TestDocs -update")
	assert.Equal(t, buf.String(), string(have), "docs/lint.md is out of date: run go test ./internal/lint/checks -run TestDocs -update")
	for _, c := range All() {
		assert.Contains(t, string(have), "### "+c.ID)
	}
}

package yamlsafe

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// parsedNodes is how many nodes yaml.v3 builds for src (every document).
func parsedNodes(src []byte) (int, bool) {
	docs := 0
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return docs, err.Error() == "EOF"
		}
		docs += countTree(&doc)
	}
}

func countTree(n *yaml.Node) int {
	total := 1
	for _, c := range n.Content {
		total += countTree(c)
	}
	return total
}

// The scan never counts more nodes than the parser builds, so a file
// under the limit is never refused.
func checkUnderCount(t *testing.T, src []byte) {
	n, ok := parsedNodes(src)
	if !ok {
		return
	}
	assert.Zero(t, overNodes(src, n), "the scan counts more than the %d nodes parsed", n)
}

var scanCases = []string{
	"a: 1\nb: [1, 2, {c: d}]\n",
	"- a\n- b: c\n  d: e\n- - x\n  - y\n",
	"text: |\n  a: b\n  - c\n  [1, 2]\nnext: x\n",
	"text: >-\n  a, b: c\n\n  - d\n",
	"q: 'it''s: a, [b]'\nd: \"a: \\\" - b\"\n",
	"m: 'multi\n  line: - x'\n",
	"expr: rate(x[5m]) > 0 # a: comment, [x]\n",
	"url: http://x:9090/a,b\n",
	"---\na: 1\n---\n- b\n...\n",
	"a: [\n  1,\n  2,\n]\n",
	"? complex\n: value\n",
	"s: plain text\n  continued - here\n",
	"a: &x {b: c}\nd: *x\n",
}

func TestOverNodesCountsNoMoreThanParsed(t *testing.T) {
	for _, c := range scanCases {
		t.Run(c, func(t *testing.T) { checkUnderCount(t, []byte(c)) })
	}
	var files []string
	for _, g := range []string{"../../fixtures/*.yaml", "../../testdata/bad/*.yaml", "../../rules/*.yaml", "../../deploy/*.yaml", "../../../shared/conformance/*/*.y*ml"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		t.Run(f, func(t *testing.T) { checkUnderCount(t, b) })
	}
}

func FuzzOverNodes(f *testing.F) {
	for _, c := range scanCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 16<<10 {
			return
		}
		checkUnderCount(t, src)
	})
}

// A file of many small entries is refused before it is parsed, at the
// line where it passes the limit.
func TestCheckTextRefusesManyNodes(t *testing.T) {
	defer func(n int) { MaxNodes = n }(MaxNodes)
	MaxNodes = 1000
	var b strings.Builder
	b.WriteString("tests:\n- input_series:\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "  - {series: 'u{i=\"%d\"}', values: '1'}\n", i)
	}
	err := CheckText([]byte(b.String()))
	var le *LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 202, le.Line) // five nodes counted per entry, from line 3
	assert.Contains(t, le.Msg, "more than 1000 YAML nodes")
	assert.NoError(t, CheckText([]byte("tests:\n- input_series:\n  - {series: a, values: '1'}\n")))
}

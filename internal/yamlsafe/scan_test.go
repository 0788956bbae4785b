package yamlsafe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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
			// yaml.v3 ends some broken streams with io.EOF before any
			// document ("\ufeff\ufeff \n["); nothing was built to compare.
			return docs, errors.Is(err, io.EOF) && docs > 0 || isBlank(src)
		}
		docs += countTree(&doc)
	}
}

// isBlank reports whether src holds no node, only blanks and comments.
func isBlank(src []byte) bool {
	for src = bytes.TrimPrefix(src, bom); len(src) > 0; {
		var line []byte
		line, src = cutLine(src)
		t := strings.TrimLeft(string(line), " \t")
		if t != "" && t[0] != '#' {
			return false
		}
	}
	return true
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
	if bytes.HasPrefix(src, []byte("\ufeff\ufeff")) {
		// yaml.v3 drops the first mark and misreads the text after the
		// second ("\ufeff\ufeff\n...\nx" is the scalar ".. x"): its count
		// is not of the text written.
		return
	}
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
	// found by fuzzing: YAML's other line breaks, a byte order mark, a
	// comment straight after an indicator, a document marker, a block
	// scalar on a line of its own
	"  \u0085#: ",
	"a: 1\r# [x, y]\rb: 2\u2028# {c}\u2029d: 3\r\n",
	"\ufeff': ['",
	"[#: x\n]",
	"{a: 'b'#, [c]\n}",
	"--- ': ['",
	"--- |\n[a, b]\n",
	"\n  |\n  [a",
	"k:\n  |\n  [a, b]\nl: 1\n",
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

// BenchmarkOverNodes scans a 10 MB test file of small entries.
func BenchmarkOverNodes(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("tests:\n- input_series:\n")
	for i := 0; sb.Len() < 10<<20; i++ {
		fmt.Fprintf(&sb, "  - series: 'up{job=\"api\", instance=\"%d\"}' # a comment\n    values: '1+0x10 _ stale'\n", i)
	}
	src := []byte(sb.String())
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		overNodes(src, MaxNodes)
	}
}

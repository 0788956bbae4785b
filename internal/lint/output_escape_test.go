package lint_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/position"
)

// A file name or message taken from the input (a rule name, a template)
// cannot forge a finding in the plain-text formats or reach the terminal
// as an escape sequence: control characters, bidirectional overrides and
// invalid UTF-8 are escaped, one finding stays one line.
func TestPlainTextFormatsEscapeControlCharacters(t *testing.T) {
	res := &lint.Result{
		Files: []*lint.File{{Path: "r.yaml"}},
		Findings: []lint.Finding{
			{Range: position.At("x\nfake.yaml", 1, 1), Severity: lint.Error, Check: "syntax/template", Message: "rule \"Evil\nfake.yaml:1:1: error forged: x\x1b[2J\u202e\xff\""},
			{Range: position.At("r.yaml", 2, 3), Severity: lint.Warning, Check: "alert/missing-for", Message: "plain"},
		},
	}
	for _, tc := range []struct {
		format string
		lines  int // lines written
	}{
		{"text", 5}, // two findings, a blank line between files, one after, the summary
		{"github", 2},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, lint.Write(&buf, tc.format, res, lint.OutputOptions{}))
			out := buf.String()
			assert.Equal(t, tc.lines, strings.Count(out, "\n"), out)
			for _, bad := range []string{"\x1b", "\u202e", "\xff", "\r"} {
				assert.NotContains(t, out, bad)
			}
			assert.Contains(t, out, `\x1b[2J\u202e\xff`)
		})
	}
}

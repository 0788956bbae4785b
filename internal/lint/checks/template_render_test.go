package checks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/tmplref"
)

// template/render does not render a template without actions: rendering
// one, with every query result, never fails.
func TestPlainTextRenders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.yaml")
	res, err := lint.Run([]string{writeRules(t, path)}, lint.Options{Checks: []*lint.Check{TemplateRender}})
	require.NoError(t, err)
	r := res.Files[0].Groups[0].Rules[0]
	rd := newRenderer(&lint.Pass{Project: res.Project, File: res.Files[0]}, r)
	for _, text := range []string{"", "Disk is full.", "a }} b", "{ $labels.x }", "100% {not an action} %s %!", "line\nbreak $value"} {
		require.True(t, tmplref.IsPlainText(text))
		for _, oneSeries := range []bool{false, true} {
			assert.NoError(t, rd.render(text, oneSeries), "%q", text)
		}
	}
}

func writeRules(t *testing.T, path string) string {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n"), 0o644))
	return path
}

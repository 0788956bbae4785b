package projectconfig_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/projectconfig"
)

const catalogYAML = "metrics:\n- name: up\n  type: gauge\n"

// tree writes files under a fresh directory and returns it.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return root
}

func TestFindsConfigurationFromTheFileUpward(t *testing.T) {
	root := tree(t, map[string]string{
		"repo/.git/HEAD":                  "",
		"repo/.rulecheck.yaml":            "catalog: m.yaml\n",
		"repo/m.yaml":                     catalogYAML,
		"repo/team/.rulecheck.yaml":       "alerts: {required_labels: [team]}\n",
		"repo/team/tests/a_test.yaml":     "",
		"repo/other/tests/b_test.yaml":    "",
		"repo/nested/.git/HEAD":           "",
		"repo/nested/tests/c_test.yaml":   "",
		".rulecheck.yaml":                 "alerts: {required_labels: [outside]}\n",
		"repo/abs/.rulecheck.yaml":        "", // rewritten below with an absolute path
		"repo/abs/tests/d_test.yaml":      "",
		"repo/missing/.rulecheck.yaml":    "catalog: nope.yaml\n",
		"repo/missing/tests/e_test.yaml":  "",
		"repo/badconfig/.rulecheck.yaml":  "colour: red\n",
		"repo/badconfig/tests/f_test.yml": "",
	})
	require.NoError(t, os.WriteFile(filepath.Join(root, "repo/abs/.rulecheck.yaml"), []byte("catalog: "+filepath.Join(root, "repo/m.yaml")+"\n"), 0o644))
	repo := filepath.Join(root, "repo")
	for _, tc := range []struct {
		file, config, catalog, err string
		labels                     []string
	}{
		{file: "team/tests/a_test.yaml", config: "team/.rulecheck.yaml", labels: []string{"team"}},
		{file: "other/tests/b_test.yaml", config: ".rulecheck.yaml", catalog: "m.yaml"},
		{file: "other/tests", config: ".rulecheck.yaml", catalog: "m.yaml"},
		// A repository root stops the search: the outer file is not read.
		{file: "nested/tests/c_test.yaml"},
		// An absolute catalog path is taken as it is.
		{file: "abs/tests/d_test.yaml", config: "abs/.rulecheck.yaml", catalog: "m.yaml"},
		{file: "missing/tests/e_test.yaml", err: "catalog " + filepath.Join(repo, "missing/nope.yaml") + ": no such file"},
		{file: "badconfig/tests/f_test.yml", err: "field colour not found"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p, err := projectconfig.For(filepath.Join(repo, tc.file))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			if tc.config == "" {
				assert.Empty(t, p.ConfigPath)
			} else {
				assert.Equal(t, filepath.Join(repo, tc.config), p.ConfigPath)
			}
			if tc.catalog == "" {
				assert.Nil(t, p.Catalog)
			} else {
				require.NotNil(t, p.Catalog)
				assert.Equal(t, filepath.Join(repo, tc.catalog), p.CatalogPath)
			}
			assert.Equal(t, tc.labels, p.Config.Alerts.RequiredLabels)
		})
	}
}

// The working directory plays no part in which configuration is found;
// a relative path is only shown relative to it.
func TestWorkingDirectoryPlaysNoPart(t *testing.T) {
	root := tree(t, map[string]string{
		"repo/.git/HEAD":         "",
		"repo/.rulecheck.yaml":   "catalog: m.yaml\n",
		"repo/m.yaml":            catalogYAML,
		"repo/tests/a_test.yaml": "",
	})
	for _, wd := range []string{root, filepath.Join(root, "repo"), filepath.Join(root, "repo", "tests"), "/"} {
		t.Run(wd, func(t *testing.T) {
			t.Chdir(wd)
			rel, err := filepath.Rel(wd, filepath.Join(root, "repo/tests/a_test.yaml"))
			require.NoError(t, err)
			p, err := projectconfig.For(rel)
			require.NoError(t, err)
			want, err := filepath.Rel(wd, filepath.Join(root, "repo/.rulecheck.yaml"))
			require.NoError(t, err)
			assert.Equal(t, want, p.ConfigPath)
			require.NotNil(t, p.Catalog)
		})
	}
}

func TestFinderReadsEachConfigurationOnce(t *testing.T) {
	root := tree(t, map[string]string{
		".git/HEAD":       "",
		".rulecheck.yaml": "catalog: m.yaml\n",
		"m.yaml":          catalogYAML,
	})
	var f projectconfig.Finder
	a, err := f.For(filepath.Join(root, "a", "x.yaml"))
	require.NoError(t, err)
	b, err := f.For(filepath.Join(root, "b.yaml"))
	require.NoError(t, err)
	assert.Same(t, a, b)
}

// TestRulesResolvedFromTheConfiguration: the rules: list coverage reports
// on is relative to the configuration file.
func TestRulesResolvedFromTheConfiguration(t *testing.T) {
	root := tree(t, map[string]string{
		"repo/.git/HEAD":         "",
		"repo/.rulecheck.yaml":   "rules: [rules/, /abs/rules.yaml]\n",
		"repo/tests/a_test.yaml": "",
	})
	p, err := projectconfig.For(filepath.Join(root, "repo/tests/a_test.yaml"))
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(root, "repo/rules"), "/abs/rules.yaml"}, p.Rules)
}

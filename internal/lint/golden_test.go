package lint_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got), "%s is out of date: run go test ./internal/lint -update", path)
}

// TestGolden writes the seed's findings in every format.
func TestGolden(t *testing.T) {
	res := lintSeed(t)
	tests := []struct {
		format, file string
		color        bool
	}{
		{"text", "seed.txt", false},
		{"text", "seed.color.txt", true},
		{"json", "seed.json", false},
		{"junit", "seed.junit.xml", false},
		{"github", "seed.github.txt", false},
		{"sarif", "seed.sarif", false},
		{"checkstyle", "seed.checkstyle.xml", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, lint.Write(&buf, tt.format, res, lint.OutputOptions{Color: tt.color, FailOn: lint.Warning, Version: "dev"}))
			golden(t, filepath.Join("testdata", "golden", tt.file), buf.Bytes())
		})
	}
	require.Error(t, lint.Write(&bytes.Buffer{}, "yaml", res, lint.OutputOptions{}))
}

// TestSARIFStructure validates the SARIF output against the properties
// SARIF 2.1.0 requires and the ones code scanning reads.
func TestSARIFStructure(t *testing.T) {
	res := lintSeed(t)
	var buf bytes.Buffer
	require.NoError(t, lint.Write(&buf, "sarif", res, lint.OutputOptions{}))
	var log map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &log))
	assert.Equal(t, "2.1.0", log["version"])
	assert.Equal(t, lint.SARIFSchema, log["$schema"])
	runs := list(t, log["runs"])
	require.Len(t, runs, 1)
	run := obj(t, runs[0])
	driver := obj(t, obj(t, run["tool"])["driver"])
	assert.Equal(t, "rulecheck", driver["name"])
	rules := list(t, driver["rules"])
	require.NotEmpty(t, rules)
	ids := map[string]int{}
	for i, r := range rules {
		rule := obj(t, r)
		id, ok := rule["id"].(string)
		require.True(t, ok && id != "", "rules[%d].id", i)
		ids[id] = i
		assert.NotEmpty(t, obj(t, rule["shortDescription"])["text"])
		assert.Contains(t, []any{"error", "warning", "note", "none"}, obj(t, rule["defaultConfiguration"])["level"])
	}
	results := list(t, run["results"])
	require.Len(t, results, len(res.Findings))
	for i, r := range results {
		result := obj(t, r)
		id, ok := result["ruleId"].(string)
		require.True(t, ok, "results[%d].ruleId", i)
		idx, ok := ids[id]
		require.True(t, ok, "results[%d].ruleId %q is not a rule", i, id)
		assert.EqualValues(t, idx, result["ruleIndex"])
		assert.Contains(t, []any{"error", "warning", "note", "none"}, result["level"])
		assert.NotEmpty(t, obj(t, result["message"])["text"])
		locs := list(t, result["locations"])
		require.NotEmpty(t, locs)
		phys := obj(t, obj(t, locs[0])["physicalLocation"])
		assert.NotEmpty(t, obj(t, phys["artifactLocation"])["uri"])
		line, ok := obj(t, phys["region"])["startLine"].(float64)
		require.True(t, ok && line >= 1, "results[%d] startLine", i)
	}
}

func obj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "expected an object, got %T", v)
	return m
}

func list(t *testing.T, v any) []any {
	t.Helper()
	l, ok := v.([]any)
	require.True(t, ok, "expected an array, got %T", v)
	return l
}

// xmlNode is a generic XML element.
type xmlNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []xmlNode  `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n xmlNode) attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n xmlNode) children(name string) []xmlNode {
	var out []xmlNode
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

func intAttr(t *testing.T, n xmlNode, name string) int {
	t.Helper()
	v, ok := n.attr(name)
	require.True(t, ok, "<%s> has no %s attribute", n.XMLName.Local, name)
	i, err := strconv.Atoi(v)
	require.NoError(t, err, "<%s %s=%q>", n.XMLName.Local, name, v)
	return i
}

// TestJUnitStructure validates the JUnit output as Jenkins and GitLab read
// it: testsuites > testsuite > testcase > failure, with consistent counts.
func TestJUnitStructure(t *testing.T) {
	res := lintSeed(t)
	var buf bytes.Buffer
	require.NoError(t, lint.Write(&buf, "junit", res, lint.OutputOptions{FailOn: lint.Warning}))
	var root xmlNode
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &root))
	require.Equal(t, "testsuites", root.XMLName.Local)
	var tests, failures int
	suites := root.children("testsuite")
	require.Len(t, suites, len(res.Files))
	for _, s := range suites {
		name, ok := s.attr("name")
		require.True(t, ok && name != "")
		cases := s.children("testcase")
		require.NotEmpty(t, cases, "suite %s", name)
		assert.Equal(t, len(cases), intAttr(t, s, "tests"), "suite %s tests", name)
		intAttr(t, s, "errors")
		f := 0
		for _, c := range cases {
			for _, a := range []string{"name", "classname"} {
				v, ok := c.attr(a)
				assert.True(t, ok && v != "", "testcase without %s", a)
			}
			for _, fl := range c.children("failure") {
				f++
				for _, a := range []string{"message", "type"} {
					v, ok := fl.attr(a)
					assert.True(t, ok && v != "", "failure without %s", a)
				}
			}
		}
		assert.Equal(t, f, intAttr(t, s, "failures"), "suite %s failures", name)
		tests += len(cases)
		failures += f
	}
	assert.Equal(t, tests, intAttr(t, root, "tests"))
	assert.Equal(t, failures, intAttr(t, root, "failures"))
	n := 0
	for _, f := range res.Findings {
		if f.Severity >= lint.Warning {
			n++
		}
	}
	assert.Equal(t, n, failures, "every finding at or above --fail-on is a failure")
}

// TestCheckstyleStructure validates the checkstyle output.
func TestCheckstyleStructure(t *testing.T) {
	res := lintSeed(t)
	var buf bytes.Buffer
	require.NoError(t, lint.Write(&buf, "checkstyle", res, lint.OutputOptions{}))
	var root xmlNode
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &root))
	require.Equal(t, "checkstyle", root.XMLName.Local)
	n := 0
	for _, f := range root.children("file") {
		_, ok := f.attr("name")
		require.True(t, ok)
		for _, e := range f.children("error") {
			n++
			assert.Positive(t, intAttr(t, e, "line"))
			for _, a := range []string{"severity", "message", "source"} {
				_, ok := e.attr(a)
				assert.True(t, ok, "error without %s", a)
			}
		}
	}
	assert.Equal(t, len(res.Findings), n)
}

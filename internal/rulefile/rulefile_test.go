package rulefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/internal/rulefile"
)

const crdTwoRules = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: example
  namespace: monitoring
spec:
  groups:
  - name: example.rules
    interval: 30s
    rules:
    - alert: Up
      expr: up == 1
    - alert: Broken
      expr: sum(rate(x[5m])
`

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func TestLoadErrorsPointIntoTheUsersFile(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		want          string // substring: position and message
	}{
		{"crd second rule broken expr", crdTwoRules, `:14:13: group "example.rules", rule 2, "Broken": could not parse expression`},
		{"crd unknown field", `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: x}
spec:
  groups:
  - name: g
    rules:
    - alert: A
      expr: up == 0
      severity: critical
`, `:10:7: unknown field "severity" in spec.groups[0].rules[0]`},
		{"crd wrong kind", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec: {}\n", `:2:7: kind "ServiceMonitor" is not PrometheusRule`},
		{"crd without spec", "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: x}\n", "PrometheusRule x has no spec"},
		{"crd without name", "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {}\nspec: {groups: []}\n", "without metadata.name"},
		{"crd wrong apiVersion", "apiVersion: monitoring.coreos.com/v2\nkind: PrometheusRule\nmetadata: {name: x}\nspec: {}\n", `apiVersion "monitoring.coreos.com/v2" is not monitoring.coreos.com/v1`},
		{"crd duplicate group in one resource", `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: a}
spec:
  groups:
  - name: g
    rules: [{record: r, expr: "1"}]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: b, namespace: ns}
spec:
  groups:
  - name: g
    rules: [{record: r2, expr: "1"}]
  - name: g
    rules: [{record: r3, expr: "1"}]
`, `:16:11: groupname: "g" is repeated in PrometheusRule ns/b`},
		{"crd one resource written twice", `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: a}
spec:
  groups:
  - name: g
    rules: [{record: r, expr: "1"}]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: a}
spec:
  groups:
  - name: g
    rules: [{record: r2, expr: "1"}]
`, `:14:11: group "g" is already defined at line 6 of this file, in the same PrometheusRule a`},
		{"crd one resource repeated by an alias", `apiVersion: v1
kind: List
items:
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata: {name: a, namespace: ns}
  spec:
    groups: &groups
    - name: g
      rules: [{record: r, expr: "1"}]
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata: {name: a, namespace: ns}
  spec:
    groups: *groups
`, `:9:13: group "g" is defined twice in PrometheusRule ns/a: a YAML alias repeats it`},
		{"plain bad expr", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up ==\n", `:5:11: group "g", rule 1, "r": could not parse expression`},
		{"plain unknown field", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    owner: me\n", ":6: field owner not found"},
		{"plain bad template", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      summary: '{{ $labels.x '\n", `:4:5: group "g", rule 1, "A": annotation "summary"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, "rules.yaml", tc.content)
			_, err := rulefile.Load(p, rulefile.Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), p)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestLoadCRDShapes(t *testing.T) {
	single := crdTwoRules[:len(crdTwoRules)-len("    - alert: Broken\n      expr: sum(rate(x[5m])\n")]
	list := `apiVersion: v1
kind: List
items:
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata: {name: a, namespace: ns}
  spec:
    groups:
    - name: first
      rules: [{record: "job:up:sum", expr: "sum by (job) (up)"}]
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata: {name: b, namespace: ns}
  spec:
    groups:
    - name: second
      partial_response_strategy: warn
      rules: [{alert: Down, expr: "up == 0", for: 5m, labels: {severity: page}}]
`
	for _, tc := range []struct {
		name, content string
		groups        []string
		resources     []string
	}{
		{"single document", single, []string{"example.rules"}, []string{"monitoring/example"}},
		{"several documents", single + "---\n" + `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: other}
spec:
  groups:
  - name: other.rules
    rules: [{alert: X, expr: "vector(1)"}]
`, []string{"example.rules", "other.rules"}, []string{"monitoring/example", "other"}},
		{"List", list, []string{"first", "second"}, []string{"ns/a", "ns/b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := rulefile.Load(write(t, "r.yaml", tc.content), rulefile.Options{})
			require.NoError(t, err)
			assert.Equal(t, rulefile.CRD, f.Kind)
			var groups, resources []string
			for _, g := range f.Groups {
				groups = append(groups, g.Name)
				resources = append(resources, g.Resource)
			}
			assert.Equal(t, tc.groups, groups)
			assert.Equal(t, tc.resources, resources)
		})
	}
}

func TestPlainFilePositions(t *testing.T) {
	f, err := rulefile.Load(write(t, "r.yaml", "groups:\n- name: g\n  interval: 30s\n  rules:\n  - record: a\n    expr: up\n  - alert: B\n    expr: |\n      up == 0\n"), rulefile.Options{})
	require.NoError(t, err)
	require.Len(t, f.Groups, 1)
	g := f.Groups[0]
	assert.Equal(t, rulefile.Plain, f.Kind)
	assert.Equal(t, []rulefile.Pos{{Line: 5, Column: 5}, {Line: 7, Column: 5}}, g.RulePos)
	assert.Equal(t, rulefile.Pos{Line: 6, Column: 11}, g.ExprPos[0])
	assert.Equal(t, "30s", g.Interval.String())
}

// TestCRDMergeKey accepts a merge key in a PrometheusRule: its keys are the
// anchor's, checked where the anchor is written.
func TestCRDMergeKey(t *testing.T) {
	f, err := rulefile.Load(write(t, "r.yaml", `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: x}
spec:
  groups:
  - name: g
    rules:
    - &base
      alert: A
      expr: up == 0
      labels: {severity: page}
    - <<: *base
      alert: B
`), rulefile.Options{})
	require.NoError(t, err)
	require.Len(t, f.Groups[0].Rules, 2)
	assert.Equal(t, "B", f.Groups[0].Rules[1].Alert)
	assert.Equal(t, "up == 0", f.Groups[0].Rules[1].Expr)
}

// Prometheus and "promtool check rules" load an empty or null rule file as
// no groups.
func TestLoadEmptyFileAsNoGroups(t *testing.T) {
	for _, content := range []string{"", "\n", "# only a comment\n", "null\n", "---\n", "~\n"} {
		f, err := rulefile.Load(write(t, "rules.yaml", content), rulefile.Options{})
		require.NoError(t, err, "%q", content)
		assert.Empty(t, f.Groups, "%q", content)
	}
}

// The output of "helm template" or "kustomize build" puts other objects
// beside the PrometheusRules: they are passed over and listed.
func TestLoadBundleSkipsOtherKinds(t *testing.T) {
	bundle := `apiVersion: v1
kind: ConfigMap
metadata: {name: x}
data: {a: b}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: r}
spec:
  groups:
  - name: g
    rules: [{record: r, expr: "1"}]
---
apiVersion: v1
kind: Service
metadata: {name: s}
`
	f, err := rulefile.Load(write(t, "bundle.yaml", bundle), rulefile.Options{})
	require.NoError(t, err)
	require.Len(t, f.Groups, 1)
	assert.Equal(t, []rulefile.SkippedObject{{Pos: rulefile.Pos{Line: 1, Column: 1}, Kind: "ConfigMap"}, {Pos: rulefile.Pos{Line: 14, Column: 1}, Kind: "Service"}}, f.Skipped)
}

func TestErrorsCarryTheirKind(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		kind          rulefile.ErrorKind
		line, column  int
	}{
		{"yaml syntax", "groups:\n- name: [\n", rulefile.ErrYAML, 2, 0},
		{"wrong type", "groups:\n- name: g\n  rules: 3\n", rulefile.ErrYAML, 3, 0},
		{"unknown field", "groups:\n- name: g\n  nope: 1\n  rules: []\n", rulefile.ErrRulefmt, 3, 0},
		{"promql", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: sum(\n", rulefile.ErrPromQL, 5, 11},
		{"template", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels: {a: '{{'}\n", rulefile.ErrTemplate, 4, 5},
		{"duplicate group", "groups:\n- name: g\n  rules: []\n- name: g\n  rules: []\n", rulefile.ErrDuplicateGroup, 4, 9},
		{"duplicate group in a PrometheusRule", "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: x}\nspec:\n  groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n", rulefile.ErrDuplicateGroup, 8, 11},
		{"rulefmt", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n    for: 1m\n", rulefile.ErrRulefmt, 4, 13},
		{"crd", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec: {}\n", rulefile.ErrCRD, 2, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rulefile.Load(write(t, "r.yaml", tc.content), rulefile.Options{})
			var es rulefile.Errors
			if errors.As(err, &es) {
				err = es[0]
			}
			var e *rulefile.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.kind, e.Kind, e.Error())
			assert.Equal(t, tc.line, e.Line, e.Error())
			assert.Equal(t, tc.column, e.Column, e.Error())
		})
	}
}

func TestPromQLErrorsKeepTheParserRange(t *testing.T) {
	_, err := rulefile.Load(write(t, "r.yaml", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: sum(rate(x[5m])\n"), rulefile.Options{})
	var e *rulefile.Error
	require.ErrorAs(t, err, &e)
	require.NotNil(t, e.Parse)
	assert.Equal(t, `group "g", rule 1, "r"`, e.Rule)
	assert.Equal(t, "sum(rate(x[5m])", e.Parse.Query)
	assert.Positive(t, int(e.Parse.PositionRange.Start))
}

// twoResources holds two PrometheusRules with a group of the same name,
// as "kubectl get prometheusrules -A -o yaml" writes them.
const twoResources = `apiVersion: v1
kind: List
items:
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata: {name: node, namespace: monitoring}
  spec:
    groups:
    - name: general.rules
      rules: [{alert: Down, expr: "up == 0"}]
- apiVersion: monitoring.coreos.com/v1
  kind: PrometheusRule
  metadata: {name: app, namespace: team}
  spec:
    groups:
    - name: general.rules
      rules: [{record: "job:up:sum", expr: "sum by (job) (up)"}]
    - name: other
      rules: [{alert: Other, expr: "vector(1)"}]
`

// The operator writes each PrometheusRule to a rule file of its own, so a
// group name is unique per resource, not per file: two resources may share
// one, and both groups load.
func TestCRDGroupNamesArePerResource(t *testing.T) {
	docs := `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: a}
spec:
  groups:
  - name: g
    rules: [{record: r, expr: "1"}]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: b}
spec:
  groups:
  - name: g
    rules: [{record: r2, expr: "1"}]
`
	for _, tc := range []struct {
		name, content string
		groups        [][2]string // resource, group
		lines         []int
	}{
		{"documents", docs, [][2]string{{"a", "g"}, {"b", "g"}}, []int{6, 14}},
		{"List", twoResources, [][2]string{{"monitoring/node", "general.rules"}, {"team/app", "general.rules"}, {"team/app", "other"}}, []int{9, 16, 18}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := rulefile.Load(write(t, "r.yaml", tc.content), rulefile.Options{})
			require.NoError(t, err)
			var groups [][2]string
			var lines []int
			for _, g := range f.Groups {
				groups = append(groups, [2]string{g.Resource, g.Name})
				lines = append(lines, g.Pos.Line)
			}
			assert.Equal(t, tc.groups, groups)
			assert.Equal(t, tc.lines, lines)
		})
	}
}

func TestUnits(t *testing.T) {
	plain := write(t, "plain.yaml", "groups:\n- name: g\n  rules: [{record: r, expr: '1'}]\n")
	single := write(t, "single.yaml", crdTwoRules[:len(crdTwoRules)-len("    - alert: Broken\n      expr: sum(rate(x[5m])\n")])
	two := write(t, "two.yaml", twoResources)
	for _, tc := range []struct {
		name, path string
		want       []rulefile.Unit
		groups     [][]string // per unit
	}{
		{"plain file", plain, []rulefile.Unit{{ID: plain, Path: plain}}, [][]string{{"g"}}},
		{"one PrometheusRule", single, []rulefile.Unit{{ID: single, Path: single, Resource: "monitoring/example"}}, [][]string{{"example.rules"}}},
		{"two PrometheusRules", two, []rulefile.Unit{
			{ID: two + "#monitoring/node", Path: two, Resource: "monitoring/node"},
			{ID: two + "#team/app", Path: two, Resource: "team/app"},
		}, [][]string{{"general.rules"}, {"general.rules", "other"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &rulefile.Loader{}
			units, err := l.Units(tc.path)
			require.NoError(t, err)
			assert.Equal(t, tc.want, units)
			for i, u := range units {
				assert.Equal(t, u, l.Unit(u.ID))
				rgs, errs := l.Load(u.ID, false, 0)
				require.Empty(t, errs)
				var names []string
				for _, g := range rgs.Groups {
					names = append(names, g.Name)
				}
				assert.Equal(t, tc.groups[i], names, u.ID)
			}
		})
	}
}

// A file with several PrometheusRules loaded by its path as one rule file
// would let groups of one name shadow each other: Load refuses it.
func TestLoadRefusesThePathOfSeveralUnits(t *testing.T) {
	path := write(t, "two.yaml", twoResources)
	_, errs := (&rulefile.Loader{}).Load(path, false, 0)
	require.Len(t, errs, 1)
	var e *rulefile.Error
	require.ErrorAs(t, errs[0], &e)
	assert.Equal(t, rulefile.ErrCRD, e.Kind)
	assert.Contains(t, e.Error(), "several PrometheusRules")
}

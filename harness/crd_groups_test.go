package harness_test

import (
	"testing"

	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
)

const (
	sharedGroupRules = "../testdata/crd-shared-group/rules.yaml"
	sharedGroupTest  = "../testdata/crd-shared-group/test.yaml"
	sharedGroupV1    = "../testdata/crd-shared-group/timeline.yaml"
)

// Two PrometheusRules of one file each have a group "availability": the
// operator writes each to a rule file of its own, so both groups are
// evaluated (neither shadows the other), with and without pruning, on
// promtool's schedule and a server's.
func TestPrometheusRulesShareAGroupName(t *testing.T) {
	for _, path := range []string{sharedGroupTest, sharedGroupV1} {
		for _, prune := range []bool{false, true} {
			res := harness.NewRunner(harness.Options{NoPrune: !prune, Strict: true}).RunFile(path)
			harness.RequirePass(t, res)
			var got [][3]string
			for _, rh := range res.Tests[0].History.Rules {
				assert.Equal(t, sharedGroupRules, rh.File)
				got = append(got, [3]string{rh.Resource, rh.Group, rh.Name})
			}
			want := [][3]string{
				{"team-worker/worker", "availability", "WorkerDown"},
				{"team-api/api", "availability", "job:up:min"},
				{"team-api/api", "availability", "APIDown"},
			}
			if prune {
				assert.Subset(t, want, got, path)
			} else {
				assert.Equal(t, want, got, path)
			}
		}
	}
}

// A rule substituted in one resource's group "availability" is replaced
// there, not in the other resource's group of the same name, with and
// without the sharing of loaded groups between mutants.
func TestWithRuleInOneOfTwoGroupsOfOneName(t *testing.T) {
	for _, noSharing := range []bool{false, true} {
		t.Run(map[bool]string{false: "sharing", true: "no sharing"}[noSharing], func(t *testing.T) {
			withRuleInSharedGroupName(t, harness.NewRunner(harness.Options{NoSharing: noSharing}))
		})
	}
}

func withRuleInSharedGroupName(t *testing.T, base *harness.Runner) {
	for _, tc := range []struct {
		name   string
		ref    harness.RuleRef
		rule   rulefmt.Rule
		failed bool
	}{
		{"first resource's alert never fires", harness.RuleRef{File: sharedGroupRules, Group: 0, Index: 0},
			rulefmt.Rule{Alert: "WorkerDown", Expr: `up{job="worker"} == 2`, For: 0}, true},
		{"second resource's alert never fires", harness.RuleRef{File: sharedGroupRules, Group: 1, Index: 1},
			rulefmt.Rule{Alert: "APIDown", Expr: `job:up:min{job="api"} == 2`}, true},
		{"second resource's recording rule unchanged", harness.RuleRef{File: sharedGroupRules, Group: 1, Index: 0},
			rulefmt.Rule{Record: "job:up:min", Expr: `min by (job) (up{job="api"})`}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := base.RuleFile(sharedGroupRules)
			require.NoError(t, err)
			orig := f.Groups[tc.ref.Group].Rules[tc.ref.Index]
			tc.rule.Labels, tc.rule.Annotations, tc.rule.For = orig.Labels, orig.Annotations, orig.For
			r, err := base.WithRule(tc.ref, tc.rule)
			require.NoError(t, err)
			res := r.RunFile(sharedGroupTest)
			require.NoError(t, res.Err)
			assert.Equal(t, tc.failed, res.Failed(), harness.FormatResult(res))
		})
	}
}

package prune_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/harness/prune"
)

// loadGroups loads a rule file's groups with Prometheus's rule manager.
func loadGroups(t *testing.T, content string) []*rules.Group {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rules.yaml")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	m := rules.NewManager(&rules.ManagerOptions{
		Context: context.Background(), Logger: slog.New(slog.DiscardHandler),
		QueryFunc:  func(context.Context, string, time.Time) (promql.Vector, error) { return nil, nil },
		NotifyFunc: func(context.Context, string, ...*rules.Alert) {},
	})
	gm, errs := m.LoadGroups(time.Minute, labels.EmptyLabels(), "", nil, false, path)
	require.Empty(t, errs)
	var out []*rules.Group
	for _, g := range gm {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *rules.Group) int { return strings.Compare(a.Name(), b.Name()) })
	return out
}

func kept(groups []*rules.Group, p prune.Plan) []string {
	var out []string
	for _, g := range groups {
		for _, r := range g.Rules() {
			if p.Keeps(r) {
				out = append(out, r.Name())
			}
		}
	}
	slices.Sort(out)
	return out
}

// errorBudget is a kind of assertion this package has never heard of: it
// checks a recording rule's value through its own query. Saying what it
// reads is all it takes for pruning to keep the rules it depends on.
type errorBudget struct {
	service string
	at      time.Duration
}

func (e errorBudget) Reads() prune.Read {
	return prune.Read{Queries: []string{`1 - ` + e.service + `:error_ratio:rate5m`}, At: e.at}
}

var _ fixture.Assertion = errorBudget{}

const budgetRules = `groups:
- name: a
  rules:
  - record: api:errors:rate5m
    expr: sum(rate(errors_total{job="api"}[5m]))
  - record: api:error_ratio:rate5m
    expr: api:errors:rate5m / sum(rate(requests_total{job="api"}[5m]))
  - record: web:error_ratio:rate5m
    expr: sum(rate(errors_total{job="web"}[5m]))
  - alert: WebDown
    expr: up{job="web"} == 0
`

func TestNewAssertionKindKeepsWhatItReads(t *testing.T) {
	groups := loadGroups(t, budgetRules)
	p := prune.Decide(prune.Input{
		Groups: groups, Reads: []prune.Read{errorBudget{service: "api", at: 10 * time.Minute}.Reads()},
		End: 10 * time.Minute, Step: time.Minute, MaxQuerySamples: 50000000, Parser: parser.NewParser(parser.Options{}),
		FailsOnNoData: func(rules.Rule) bool { return false },
	})
	require.NotNil(t, p.Needed)
	require.Equal(t, []string{"api:error_ratio:rate5m", "api:errors:rate5m"}, kept(groups, p))
	for _, g := range groups {
		for _, r := range g.Rules() {
			if p.Keeps(r) {
				require.Equal(t, 10*time.Minute, p.Horizon[r], r.Name())
			}
		}
	}
}

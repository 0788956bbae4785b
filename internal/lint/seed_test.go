package lint_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/checks"
)

// lintSeed lints testdata/seed with every check and the catalog built from
// the seed's Go definitions, under the seed team's house rules.
func lintSeed(t *testing.T) *lint.Result {
	t.Helper()
	cat, err := catalog.Load("testdata/seed/metrics.yaml")
	require.NoError(t, err)
	cfg, err := lint.LoadConfig("testdata/seed/.rulecheck.yaml")
	require.NoError(t, err)
	res, err := lint.Run([]string{"testdata/seed"}, lint.Options{Checks: checks.All(), Catalog: cat, Config: cfg})
	require.NoError(t, err)
	return res
}

type expected struct {
	file         string
	line, column int
	check        string
	msg          *regexp.Regexp
	met          bool
}

var expectedRE = regexp.MustCompile(`^(\S+):(\d+):(\d+) (\S+) "(.*)"$`)

func readExpected(t *testing.T, path string) []*expected {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []*expected
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		m := expectedRE.FindStringSubmatch(l)
		require.NotNil(t, m, "%s:%d: expected FILE:LINE:COL CHECK \"regexp\"", path, n)
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		re, err := regexp.Compile(strings.ReplaceAll(m[5], `\"`, `"`))
		require.NoError(t, err, "%s:%d", path, n)
		out = append(out, &expected{file: filepath.Join(filepath.Dir(path), m[1]), line: line, column: col, check: m[4], msg: re})
	}
	require.NoError(t, sc.Err())
	return out
}

// TestSeed asserts every finding on the seed's PrometheusRule and
// dashboards: each real defect, with its position, and nothing else.
func TestSeed(t *testing.T) {
	res := lintSeed(t)
	want := readExpected(t, "testdata/seed/expected.txt")
	for _, f := range res.Findings {
		found := false
		for _, w := range want {
			if !w.met && w.file == f.File && w.line == f.Line && w.column == f.Column && w.check == f.Check && w.msg.MatchString(f.Message) {
				w.met, found = true, true
				break
			}
		}
		if !found {
			t.Errorf("unexpected finding %s", f)
		}
	}
	for _, w := range want {
		if !w.met {
			t.Errorf("missing finding %s:%d:%d %s %q", w.file, w.line, w.column, w.check, w.msg)
		}
	}
	// The defects the seed review asked for, by rule.
	required := []struct{ rule, check string }{
		{"LongRunningWorkflow", "promql/histogram-bare-name"},
		{"HighAgentCPUUsage", "promql/rate-on-gauge"},
		{"DatabaseConnectionFailure", "promql/raw-counter"},
		{"HighAgentMemoryUsage", "catalog/unknown-metric"},
		{"AgentMessageQueueFull", "catalog/unknown-metric"},
		{"WorkflowExecutionFailed", "catalog/unknown-metric"},
		{"DatabaseConnectionFailure", "catalog/unknown-metric"},
	}
	for _, r := range required {
		found := false
		for _, f := range res.Findings {
			found = found || (f.Rule == r.rule && f.Check == r.check && strings.HasSuffix(f.File, "pweza-core-alerts.yaml"))
		}
		if !found {
			t.Errorf("no %s finding for %s", r.check, r.rule)
		}
	}
}

package coverage_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/coverage"
	"github.com/codevaldcortex/rulecheck/harness"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// run runs the test files and computes their coverage, with rules the
// extra rule files.
func run(t *testing.T, rules []string, files ...string) (*coverage.Report, []*harness.FileResult) {
	t.Helper()
	results := harness.NewRunner(harness.Options{NoCatalog: true}).RunFiles(files)
	for _, fr := range results {
		require.False(t, fr.Failed(), harness.FormatResult(fr))
	}
	rep, err := coverage.Compute(results, coverage.Options{RuleFiles: rules})
	require.NoError(t, err)
	return rep, results
}

func TestWhatCounts(t *testing.T) {
	rep, _ := run(t, []string{"testdata/untested.yaml"}, "testdata/tests.yaml")
	tests := []struct {
		name                    string
		fired, silent, boundary bool
		covered, loaded         bool
	}{
		{name: "job:errors:rate5m", covered: true, loaded: true},
		{name: "job:errors:ratio", covered: true, loaded: true},
		{name: "HighErrors", fired: true, loaded: true},
		{name: "JobDown", fired: true, silent: true, boundary: true, covered: true, loaded: true},
		{name: "alerts:count", covered: true, loaded: true},
		{name: "job:up:sum", covered: true, loaded: true},
		{name: "jobs:down:count", covered: true, loaded: true},
		{name: "ManyDown", loaded: true},
		{name: "unread:max", loaded: true},
		{name: "Lonely"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rep.Rule(tt.name)
			require.NotNil(t, r)
			assert.Equal(t, tt.fired, r.Fired, "fired")
			assert.Equal(t, tt.silent, r.Silent, "silent")
			assert.Equal(t, tt.boundary, r.ForBoundary, "for boundary")
			assert.Equal(t, tt.covered, r.Covered(), "covered")
			assert.Equal(t, tt.loaded, r.Loaded, "loaded")
		})
	}
	byFile := rep.ByFile()
	require.Len(t, byFile, 2)
	assert.Equal(t, "testdata/untested.yaml", byFile[0].File)
	assert.Zero(t, byFile[0].Percent(), "a file no test loads is at 0%")
	assert.Equal(t, []string{"testdata/tests.yaml:29"}, positions(rep.Rule("jobs:down:count")), "through ALERTS only")
}

// TestTimeline: a strict timeline that held asserts every alert firing as
// its entries say and silent wherever the replay left it inactive.
func TestTimeline(t *testing.T) {
	rep, _ := run(t, nil, "testdata/timeline.yaml")
	for _, name := range []string{"HighErrors", "JobDown"} {
		r := rep.Rule(name)
		assert.True(t, r.Fired && r.Silent && r.Covered(), name)
	}
	assert.True(t, rep.Rule("JobDown").ForBoundary)
	assert.True(t, rep.Rule("job:errors:rate5m").Covered(), "read through the chain")
	assert.True(t, rep.Rule("alerts:count").Covered() == false, "no assertion reads ALERTS here")
	assert.Equal(t, []string{"testdata/timeline.yaml:5"}, positions(rep.Rule("job:up:sum")))
}

// TestFailedAssertionsDoNotCount: an alert test that fails neither fires
// nor silences its rule; a PromQL test that ran still reads.
func TestFailedAssertionsDoNotCount(t *testing.T) {
	results := harness.NewRunner(harness.Options{NoCatalog: true}).RunFiles([]string{"testdata/failing.yaml"})
	require.True(t, results[0].Failed())
	rep, err := coverage.Compute(results, coverage.Options{})
	require.NoError(t, err)
	r := rep.Rule("JobDown")
	assert.False(t, r.Fired || r.Silent)
	assert.True(t, rep.Rule("unread:max").Covered())
}

// TestRunSelectsWhatCounts: test groups --run did not select load nothing.
func TestRunSelectsWhatCounts(t *testing.T) {
	results := harness.NewRunner(harness.Options{NoCatalog: true, Run: []*regexp.Regexp{regexp.MustCompile("^none$")}}).RunFiles([]string{"testdata/tests.yaml"})
	rep, err := coverage.Compute(results, coverage.Options{})
	require.NoError(t, err)
	assert.Equal(t, 0, rep.Total().Covered)
	assert.False(t, rep.Rule("JobDown").Loaded)
}

func positions(r *coverage.Rule) []string {
	var out []string
	for _, p := range r.ReadBy {
		out = append(out, p.String())
	}
	return out
}

func TestGoldens(t *testing.T) {
	rep, _ := run(t, []string{"testdata/untested.yaml"}, "testdata/tests.yaml")
	for _, tt := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"report.txt", func(b *bytes.Buffer) error { return coverage.WriteText(b, rep) }},
		{"report.json", func(b *bytes.Buffer) error { return coverage.WriteJSON(b, rep) }},
		{"report.lcov", func(b *bytes.Buffer) error { return coverage.WriteLCOV(b, rep) }},
		{"report.cobertura.xml", func(b *bytes.Buffer) error { return coverage.WriteCobertura(b, rep, 0) }},
	} {
		t.Run(tt.file, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tt.write(&b))
			golden(t, filepath.Join("testdata", "golden", tt.file), b.Bytes())
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

// Two PrometheusRules of one file each have a group "availability": each
// rule's coverage comes from its own evaluations, not from the rule at the
// same place in the other resource's group of that name.
func TestPrometheusRulesShareAGroupName(t *testing.T) {
	for _, file := range []string{"../testdata/crd-shared-group/test.yaml", "../testdata/crd-shared-group/timeline.yaml"} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			rep, _ := run(t, nil, file)
			for _, tt := range []struct {
				name, resource string
				fired          bool
			}{
				{"job:up:min", "team-api/api", false},
				{"APIDown", "team-api/api", true},
				{"WorkerDown", "team-worker/worker", true},
			} {
				r := rep.Rule(tt.name)
				require.NotNil(t, r, tt.name)
				assert.Equal(t, tt.resource, r.Resource, tt.name)
				assert.Equal(t, "availability", r.Group, tt.name)
				assert.Equal(t, tt.fired, r.Fired, tt.name)
			}
		})
	}
}

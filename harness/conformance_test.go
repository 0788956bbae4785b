package harness_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/benchgen/suite"
)

// conformanceDir finds the promtool conformance corpus: verdicts recorded
// from promtool 3.16.0 on Prometheus's and Thanos's rule test files. It is
// shipped beside the project in CI (../shared/conformance); a fresh clone
// does not have it.
func conformanceDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("RULECHECK_CONFORMANCE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "conformance")
	}
	if _, err := os.Stat(filepath.Join(dir, "golden.json")); err != nil {
		msg := "promtool conformance corpus not found at " + dir + " (set RULECHECK_CONFORMANCE_DIR to a folder with golden.json and the promtool test files it lists)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

type goldenEntry struct {
	OK    bool              `json:"ok"`
	Cases map[string]string `json:"cases"`
}

func loadGolden(t *testing.T, dir string) map[string]goldenEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "golden.json"))
	require.NoError(t, err)
	var golden map[string]goldenEntry
	require.NoError(t, json.Unmarshal(b, &golden))
	require.NotEmpty(t, golden)
	return golden
}

func TestPromtoolConformance(t *testing.T) {
	dir := conformanceDir(t)
	golden := loadGolden(t, dir)
	names := make([]string, 0, len(golden))
	for name := range golden {
		names = append(names, name)
	}
	slices.Sort(names)
	runner := harness.NewRunner(harness.Options{})
	for _, name := range names {
		want := golden[name]
		t.Run(name, func(t *testing.T) {
			fr := runner.RunFile(filepath.Join(dir, name))
			ok, cases := harness.Verdicts(fr)
			assert.Equal(t, want.OK, ok, "file verdict (err: %v)", fr.Err)
			assert.Equal(t, want.Cases, cases, "testcase verdicts")
		})
	}
}

// TestPruningKeepsVerdicts runs the conformance corpus and the generated
// benchmark suite with rule pruning on and off: every verdict must match.
func TestPruningKeepsVerdicts(t *testing.T) {
	var files []string
	if d := conformanceDirOrEmpty(); d != "" {
		for name := range loadGolden(t, d) {
			files = append(files, filepath.Join(d, name))
		}
	}
	// A small suite of the benchmark's shape: shared rule files, recording
	// chains, an alert over ALERTS, group limits.
	gen, err := suite.Generate(t.TempDir(), suite.Config{Files: 3, Families: 2, ShortTests: 3, ShortSteps: 30, LongSteps: 120, LongTests: 1, Instances: 2})
	require.NoError(t, err)
	files = append(files, gen...)
	slices.Sort(files)
	on := harness.NewRunner(harness.Options{})
	off := harness.NewRunner(harness.Options{NoPrune: true})
	for _, f := range files {
		okOn, casesOn := harness.Verdicts(on.RunFile(f))
		okOff, casesOff := harness.Verdicts(off.RunFile(f))
		assert.Equal(t, okOff, okOn, f)
		assert.Equal(t, casesOff, casesOn, f)
	}
}

func conformanceDirOrEmpty() string {
	dir := os.Getenv("RULECHECK_CONFORMANCE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "conformance")
	}
	if _, err := os.Stat(filepath.Join(dir, "golden.json")); err != nil {
		return ""
	}
	return dir
}

package harness_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/report"
)

// determinismFiles lists the suites the determinism test replays: the
// project's fixtures, the hostile-input corpus and, when it is present, the
// promtool conformance corpus.
func determinismFiles(t *testing.T) []string {
	t.Helper()
	files, err := fixture.Find([]string{filepath.Join("..", "fixtures")})
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := filepath.Glob(filepath.Join("..", "testdata", "bad", "*.yaml"))
	for _, b := range bad {
		if !strings.HasSuffix(b, ".rules.yaml") {
			files = append(files, b)
		}
	}
	dir := os.Getenv("RULECHECK_CONFORMANCE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "conformance")
	}
	if b, err := os.ReadFile(filepath.Join(dir, "golden.json")); err == nil {
		var golden map[string]json.RawMessage
		if err := json.Unmarshal(b, &golden); err != nil {
			t.Fatal(err)
		}
		var names []string
		for name := range golden {
			names = append(names, filepath.Join(dir, name))
		}
		slices.Sort(names)
		files = append(files, names...)
	} else {
		t.Logf("promtool conformance corpus not found at %s; replaying the project's fixtures only", dir)
	}
	return files
}

func renderAll(t *testing.T, results []*harness.FileResult) string {
	t.Helper()
	var b bytes.Buffer
	report.WriteText(&b, results, report.TextOptions{Warnings: true, Timeline: true, Debug: true})
	if err := report.WriteJSON(&b, results); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestDeterminism replays every suite twice, file after file, each time
// with a fresh Runner, then all files at once on one Runner (RunFiles, and
// one goroutine per file), and requires the text and JSON reports to be the
// same byte for byte.
func TestDeterminism(t *testing.T) {
	files := determinismFiles(t)
	if len(files) == 0 {
		t.Fatal("nothing to replay")
	}
	sequential := func() string {
		r := harness.NewRunner(harness.Options{})
		results := make([]*harness.FileResult, len(files))
		for i, f := range files {
			results[i] = r.RunFile(f)
		}
		return renderAll(t, results)
	}
	runs := map[string]string{}
	runs["sequential #1"] = sequential()
	runs["sequential #2"] = sequential()
	runs["RunFiles"] = renderAll(t, harness.NewRunner(harness.Options{}).RunFiles(files))
	{
		r := harness.NewRunner(harness.Options{})
		results := make([]*harness.FileResult, len(files))
		var wg sync.WaitGroup
		for i, f := range files {
			wg.Go(func() { results[i] = r.RunFile(f) })
		}
		wg.Wait()
		runs["a goroutine per file"] = renderAll(t, results)
	}
	want := runs["sequential #1"]
	if !strings.Contains(want, "passed") {
		t.Fatalf("no summary in the report:\n%s", want)
	}
	for _, name := range []string{"sequential #2", "RunFiles", "a goroutine per file"} {
		if got := runs[name]; got != want {
			t.Errorf("%s differs from sequential #1:\n%s", name, diffLines(want, got))
		}
	}
	t.Logf("%d files, %d bytes of report, identical in 4 runs", len(files), len(want))
}

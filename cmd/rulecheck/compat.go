package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/inputfile"
	"github.com/codevaldcortex/rulecheck/internal/report"
)

const compatUsage = `Usage: rulecheck compat --promtool PATH [FILE or DIR ...]

Runs every promtool test file through both promtool ("promtool test rules
--junit") and rulecheck, and prints each file or test group where their
verdicts differ, then a summary with each tool's wall time. Files with
"format: rulecheck/v1" are skipped: promtool cannot run them.

Exit status: 0 when the tools agree on every file, 1 when they disagree,
2 on bad usage.

Flags:
`

// verdict is a tool's outcome on one test file.
type verdict struct {
	ok    bool
	cases map[string]string
}

func runCompat(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	promtool := fs.String("promtool", "", "path to the promtool binary to compare with (required)")
	fs.Usage = func() { fmt.Fprint(stderr, compatUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitBadInput
	}
	if *promtool == "" {
		fmt.Fprintln(stderr, "rulecheck compat: --promtool is required")
		return exitBadInput
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	files, err := fixture.Find(paths)
	if err != nil {
		fmt.Fprintf(stderr, "rulecheck compat: %v\n", err)
		return exitBadInput
	}
	runner := harness.NewRunner(harness.Options{})
	var (
		compared, disagree int
		ptTime, rcTime     time.Duration
	)
	for _, f := range files {
		if fx, err := fixture.Load(f); err == nil && fx.ServerSchedule {
			continue
		}
		start := time.Now()
		pt, err := promtoolVerdict(*promtool, f)
		ptTime += time.Since(start)
		if err != nil {
			fmt.Fprintf(stderr, "rulecheck compat: %s: %v\n", f, err)
			return exitBadInput
		}
		start = time.Now()
		ok, cases := harness.Verdicts(runner.RunFile(f))
		rcTime += time.Since(start)
		compared++
		diffs := compareVerdicts(pt, verdict{ok, cases})
		if len(diffs) > 0 {
			disagree++
			fmt.Fprintf(stdout, "DIFFER %s\n", f)
			for _, d := range diffs {
				fmt.Fprintf(stdout, "       %s\n", d)
			}
		} else {
			fmt.Fprintf(stdout, "same   %s\n", f)
		}
	}
	fmt.Fprintf(stdout, "%d files compared, %d disagree; promtool %s, rulecheck %s\n", compared, disagree, ptTime.Round(time.Millisecond), rcTime.Round(time.Millisecond))
	if disagree > 0 {
		return exitFailed
	}
	return exitOK
}

func compareVerdicts(pt, rc verdict) []string {
	var diffs []string
	if pt.ok != rc.ok {
		diffs = append(diffs, fmt.Sprintf("file: promtool ok=%v, rulecheck ok=%v", pt.ok, rc.ok))
	}
	names := map[string]bool{}
	for n := range pt.cases {
		names[n] = true
	}
	for n := range rc.cases {
		names[n] = true
	}
	for _, n := range slices.Sorted(maps.Keys(names)) {
		p, r := pt.cases[n], rc.cases[n]
		if p != r {
			diffs = append(diffs, fmt.Sprintf("%q: promtool %s, rulecheck %s", n, orNone(p), orNone(r)))
		}
	}
	return diffs
}

func orNone(s string) string {
	if s == "" {
		return "(no such testcase)"
	}
	return s
}

// promtoolVerdict runs promtool on one file, in the file's folder as a user
// would, and reads the verdicts from its JUnit report.
func promtoolVerdict(promtool, file string) (verdict, error) {
	abs, err := filepath.Abs(promtool)
	if err != nil {
		return verdict{}, err
	}
	tmp, err := os.CreateTemp("", "rulecheck-compat-*.xml")
	if err != nil {
		return verdict{}, err
	}
	_ = tmp.Close()
	defer os.Remove(tmp.Name())
	cmd := exec.Command(abs, "test", "rules", "--junit="+tmp.Name(), filepath.Base(file))
	cmd.Dir = filepath.Dir(file)
	runErr := cmd.Run()
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return verdict{}, runErr
	}
	b, err := inputfile.Read(tmp.Name())
	if err != nil {
		return verdict{}, err
	}
	suites, err := report.ReadJUnit(b)
	if err != nil {
		return verdict{}, fmt.Errorf("promtool's report: %w", err)
	}
	v := verdict{ok: runErr == nil, cases: map[string]string{}}
	for _, s := range suites {
		maps.Copy(v.cases, s.Cases)
	}
	return v, nil
}

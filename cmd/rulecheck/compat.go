package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/inputfile"
	"github.com/codevaldcortex/rulecheck/internal/report"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

const compatUsage = `Usage: rulecheck compat --promtool PATH [FILE or DIR ...]

Runs every promtool test file through both promtool ("promtool test rules
--junit") and rulecheck, and prints each file or test group where their
verdicts differ, then a summary with each tool's wall time. Files with
"format: rulecheck/v1" are skipped: promtool cannot run them.

Verdicts are compared testcase by testcase, in the order the two JUnit
reports list them, so test groups sharing a name are each compared with
their counterpart.

Exit status: 0 when the tools agree on every file, 1 when they disagree,
2 on bad usage or when promtool writes no report.

Flags:
`

// verdict is a tool's outcome on one test file: whether it passed, and
// every testcase in the order its JUnit report lists them.
type verdict struct {
	ok    bool
	cases []report.CaseVerdict
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
		fmt.Fprintf(stderr, "rulecheck compat: %v\n", errText(err))
		return exitBadInput
	}
	runner := harness.NewRunner(harness.Options{})
	var (
		compared, disagree int
		ptTime, rcTime     time.Duration
	)
	for _, f := range files {
		// promtool reads what it is given whole: a device or a named pipe
		// is refused here, before promtool runs.
		if err := inputfile.Check(f); err != nil {
			fmt.Fprintf(stderr, "rulecheck compat: %v\n", errText(err))
			return exitBadInput
		}
		if fx, err := fixture.Load(f); err == nil && fx.ServerSchedule {
			continue
		}
		start := time.Now()
		pt, err := promtoolVerdict(*promtool, f)
		ptTime += time.Since(start)
		if err != nil {
			fmt.Fprintf(stderr, "rulecheck compat: %s: %v\n", textsafe.Escape(f), errText(err))
			return exitBadInput
		}
		start = time.Now()
		rc, err := rulecheckVerdict(runner, f)
		rcTime += time.Since(start)
		if err != nil {
			fmt.Fprintf(stderr, "rulecheck compat: %s: %v\n", textsafe.Escape(f), errText(err))
			return exitBadInput
		}
		compared++
		diffs := compareVerdicts(pt, rc)
		if len(diffs) > 0 {
			disagree++
			fmt.Fprintf(stdout, "DIFFER %s\n", textsafe.Escape(f))
			for _, d := range diffs {
				fmt.Fprintf(stdout, "       %s\n", d)
			}
		} else {
			fmt.Fprintf(stdout, "same   %s\n", textsafe.Escape(f))
		}
	}
	fmt.Fprintf(stdout, "%d files compared, %d disagree; promtool %s, rulecheck %s\n", compared, disagree, ptTime.Round(time.Millisecond), rcTime.Round(time.Millisecond))
	if disagree > 0 {
		return exitFailed
	}
	return exitOK
}

// compareVerdicts compares the two reports testcase by testcase, in order,
// so that two test groups with the same name are compared each with its
// counterpart, and a testcase one tool has and the other lacks is a
// difference.
func compareVerdicts(pt, rc verdict) []string {
	var diffs []string
	if pt.ok != rc.ok {
		diffs = append(diffs, fmt.Sprintf("file: promtool ok=%v, rulecheck ok=%v", pt.ok, rc.ok))
	}
	for i := range max(len(pt.cases), len(rc.cases)) {
		p, r := caseAt(pt.cases, i), caseAt(rc.cases, i)
		if p != r {
			diffs = append(diffs, fmt.Sprintf("testcase %d: promtool %s, rulecheck %s", i+1, describeCase(p), describeCase(r)))
		}
	}
	return diffs
}

func caseAt(cs []report.CaseVerdict, i int) report.CaseVerdict {
	if i < len(cs) {
		return cs[i]
	}
	return report.CaseVerdict{}
}

func describeCase(c report.CaseVerdict) string {
	if c.Verdict == "" {
		return "(no such testcase)"
	}
	return fmt.Sprintf("%q %s", c.Name, c.Verdict)
}

// rulecheckVerdict runs one file and reads the verdicts back from the JUnit
// report rulecheck writes for it, so both tools are compared through the
// same reader.
func rulecheckVerdict(runner *harness.Runner, file string) (verdict, error) {
	fr := runner.RunFile(file)
	var buf bytes.Buffer
	if err := report.WriteJUnit(&buf, []*harness.FileResult{fr}); err != nil {
		return verdict{}, err
	}
	suites, err := report.ReadJUnit(buf.Bytes())
	if err != nil {
		return verdict{}, err
	}
	return verdict{ok: !fr.Failed(), cases: flatten(suites)}, nil
}

func flatten(suites []report.SuiteVerdicts) []report.CaseVerdict {
	var out []report.CaseVerdict
	for _, s := range suites {
		out = append(out, s.Order...)
	}
	return out
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
	var errOut tailBuffer
	cmd.Stderr = &errOut
	runErr := cmd.Run()
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return verdict{}, runErr
	}
	b, err := inputfile.Read(tmp.Name())
	if err != nil {
		return verdict{}, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return verdict{}, fmt.Errorf("promtool wrote no JUnit report (%s%s)", exitStatus(runErr), errOut.lastLine())
	}
	suites, err := report.ReadJUnit(b)
	if err != nil {
		return verdict{}, fmt.Errorf("promtool's report: %w", err)
	}
	return verdict{ok: runErr == nil, cases: flatten(suites)}, nil
}

func exitStatus(err error) string {
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return fmt.Sprintf("exit status %d", exitErr.ExitCode())
	}
	return "exit status 0"
}

// tailBuffer keeps the end of what a command writes, for its last line.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = t.b[len(t.b)-4096:]
	}
	return len(p), nil
}

// lastLine is the last non-empty line written, control characters escaped,
// prefixed for a message; "" when nothing was written.
func (t *tailBuffer) lastLine() string {
	lines := strings.Split(strings.TrimSpace(string(t.b)), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" {
		return ""
	}
	return "; its last words: " + textsafe.Escape(last)
}

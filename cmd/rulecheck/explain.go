package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/chart"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

const explainUsage = `Usage: rulecheck explain [flags] FILE[:LINE]

Runs a test file and draws the chart of each of its test groups, passing
or failing: the input series the alerts read, each alert expression's
value against its threshold, and per alert label set the expected and
actual states. With :LINE, only the test group written at or above that
line. --at adds the values and states at one instant.

Examples:
  rulecheck explain fixtures/agent-down.yaml:17
  rulecheck explain --at 2m30s fixtures/agent-down.yaml:17

Flags:
`

// explainFlags are the flags and argument of "rulecheck explain".
type explainFlags struct {
	at     string
	charts chartFlags
	path   string
	line   int
}

func runExplain(args []string, stdout, stderr io.Writer) int {
	ef := &explainFlags{}
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&ef.at, "at", "", "also print the values and states at this `TIME` after the start (as in eval_time: 5m, 1h30m)")
	ef.charts.define(fs, false)
	fs.Usage = func() {
		fmt.Fprint(stderr, explainUsage)
		fs.PrintDefaults()
	}
	pos, code, ok := parseCommandArgs(fs, args, stderr)
	if !ok {
		return code
	}
	if err := ef.parse(pos); err != nil {
		fmt.Fprintf(stderr, "rulecheck explain: %v (rulecheck explain -h)\n", errText(err))
		return exitBadInput
	}
	return ef.run(stdout, stderr)
}

func (ef *explainFlags) parse(pos []string) error {
	if len(pos) != 1 {
		return fmt.Errorf("expected one FILE[:LINE], got %d arguments", len(pos))
	}
	ef.path = pos[0]
	if i := strings.LastIndexByte(ef.path, ':'); i > 0 {
		if n, err := strconv.Atoi(ef.path[i+1:]); err == nil {
			if n < 1 {
				return fmt.Errorf("%s: line must be 1 or more", pos[0])
			}
			ef.path, ef.line = ef.path[:i], n
		}
	}
	if err := ef.charts.check(); err != nil {
		return err
	}
	return nil
}

func (ef *explainFlags) run(stdout, stderr io.Writer) int {
	o := ef.charts.textOptions(stdout)
	if ef.at != "" {
		d, err := model.ParseDuration(ef.at)
		if err != nil {
			fmt.Fprintf(stderr, "rulecheck explain: --at %q: %v\n", ef.at, errText(err))
			return exitBadInput
		}
		at := time.Duration(d)
		o.At = &at
	}
	opts := harness.Options{RecordOutputs: true}
	fr := harness.NewRunner(opts).RunFile(ef.path)
	if fr.Err != nil {
		fmt.Fprintf(stderr, "rulecheck: %v\n", errText(fr.Err))
		return exitBadInput
	}
	tests := ef.selected(fr.Tests)
	if len(tests) == 0 {
		fmt.Fprintf(stderr, "rulecheck explain: %s:%d: no test group starts at or above this line\n", textsafe.Escape(ef.path), ef.line)
		return exitBadInput
	}
	b := &chart.Builder{Parser: promqlparser.New(opts.ParserOptions)}
	for i, tr := range tests {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		c := b.Build(fr.Path, tr)
		if c == nil {
			fmt.Fprintf(stdout, "%s:%d: %s did not run to the end:\n", fr.Path, tr.Line, tr.Name)
			for _, f := range tr.Failures {
				fmt.Fprintf(stdout, "  %s\n", f.Message)
			}
			continue
		}
		if err := chart.WriteText(stdout, c, o); err != nil {
			fmt.Fprintf(stderr, "rulecheck: %v\n", errText(err))
			return exitBadInput
		}
	}
	return exitOK
}

// selected are the test groups to draw: all, or the one written at or
// above the line.
func (ef *explainFlags) selected(tests []*harness.TestResult) []*harness.TestResult {
	if ef.line == 0 {
		return tests
	}
	var best *harness.TestResult
	for _, tr := range tests {
		if tr.Line <= ef.line && (best == nil || tr.Line > best.Line) {
			best = tr
		}
	}
	if best == nil {
		return nil
	}
	return []*harness.TestResult{best}
}

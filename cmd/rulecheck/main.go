// Command rulecheck tests and lints Prometheus alerting and recording rules.
//
//	rulecheck test [flags] [FILE or DIR ...]
//
// See "rulecheck help" for the commands and "rulecheck test -h" for flags.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/codevaldcortex/rulecheck/internal/suggest"
)

const usage = `rulecheck tests Prometheus alerting rules by replaying series through
Prometheus's own rule evaluation on a simulated clock.

Usage:
  rulecheck test [flags] [FILE or DIR ...]   run test files (default: fixtures/);
                                             "test rules FILE ..." as in promtool
  rulecheck lint [flags] [FILE or DIR ...]   lint rules and dashboards (default: rules/)
  rulecheck mutate [flags] [FILE or DIR ...] mutation testing: would the tests notice
                                             a wrong threshold, for, selector? (default: fixtures/)
  rulecheck catalog [flags] SOURCE ...       build or check a metric catalog
  rulecheck routes --alertmanager FILE RULES where Alertmanager routes each alert
  rulecheck check rules FILE ...             the syntax checks of lint (promtool's habit)
  rulecheck compat --promtool PATH [DIR]     compare verdicts with promtool
  rulecheck explain [--at TIME] FILE[:LINE]  chart a test group's series and alert states
  rulecheck backtest --from T --to T --tsdb DIR RULES
                                             replay the rules over recorded data: what
                                             would they have paged? (--baseline: what changed)
  rulecheck version                          print the version (also --version)
  rulecheck help                             show this help

"rulecheck test" runs promtool rule test files unchanged, with promtool's
verdicts, and rulecheck fixtures ("format: rulecheck/v1"), whose rule groups
run at their own intervals and whose timelines pin when each alert turns
pending, firing and resolved. Rule files may be plain Prometheus rule files
or PrometheusRule resources.

Exit status: 0 when every test passes, 1 when a test fails, 2 on bad input
(unreadable or malformed files) or bad usage.

Run "rulecheck COMMAND -h" for a command's flags.
`

func main() {
	cleanUpOnSignal(os.Stderr)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK       = 0
	exitFailed   = 1
	exitBadInput = 2
)

// commands are the commands "rulecheck" takes, for suggestions.
var commands = []string{"test", "lint", "mutate", "check", "catalog", "routes", "compat", "explain", "backtest", "version", "help"}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitBadInput
	}
	switch args[0] {
	case "test":
		return runTest(args[1:], stdout, stderr)
	case "lint":
		return runLint(args[1:], stdout, stderr)
	case "check":
		return runCheck(args[1:], stdout, stderr)
	case "mutate":
		return runMutate(args[1:], stdout, stderr)
	case "catalog":
		return runCatalog(args[1:], stdout, stderr)
	case "routes":
		return runRoutes(args[1:], stdout, stderr)
	case "compat":
		return runCompat(args[1:], stdout, stderr)
	case "explain":
		return runExplain(args[1:], stdout, stderr)
	case "backtest":
		return runBacktest(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		return runVersion(stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "rulecheck: unknown command %q%s (rulecheck -h lists the commands)\n", args[0], didYouMean(args[0], commands))
		return exitBadInput
	}
}

// didYouMean returns "; did you mean X?" for the nearest of names, or "".
func didYouMean(word string, names []string) string {
	if s, ok := suggest.Nearest(strings.TrimLeft(word, "-"), names); ok {
		return "; did you mean " + s + "?"
	}
	return ""
}

// runCheck runs "rulecheck check rules FILE...", promtool's habit: the
// syntax checks of lint.
func runCheck(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "rules" {
		fmt.Fprintln(stderr, "rulecheck check: expected \"rulecheck check rules FILE...\" (the syntax checks of rulecheck lint; rulecheck lint -h)")
		return exitBadInput
	}
	lf, code, ok := parseLintFlags("check rules", args[1:], stdout, stderr)
	if !ok {
		return code
	}
	lf.syntaxOnly = true
	return lf.run(stdout, stderr)
}

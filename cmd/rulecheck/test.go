package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/outfile"
	"github.com/codevaldcortex/rulecheck/internal/projectconfig"
	"github.com/codevaldcortex/rulecheck/internal/report"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

const testUsage = `Usage: rulecheck test [flags] [FILE or DIR ...]

Runs rule test files. With no arguments it runs every test file under
fixtures/. A directory is searched for *.yaml and *.yml files with a
top-level "tests" key.

Files without a "format" key are promtool test files and get promtool's
verdicts: every rule group is evaluated at the file's evaluation_interval.
Files with "format: rulecheck/v1" are evaluated as a Prometheus server
would: each group at its own interval; their tests may pin alert timelines.

Examples:
  rulecheck test                          # everything under fixtures/
  rulecheck test tests/alerts_test.yml    # a promtool test file, unchanged
  rulecheck test --run 'AgentDown' fixtures/
  rulecheck test --junit report.xml --strict tests/

Flags:
`

func runTest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		runs, features                                   multiFlag
		junitPath, format                                string
		ignoreUnknown, strict, debug, diff, showTimeline bool
		verbose                                          bool
		lim                                              harness.Limits
		timeout                                          time.Duration
	)
	fs.Var(&runs, "run", "run only test groups whose name matches this regular expression (repeatable)")
	fs.Var(&features, "enable-feature", "PromQL feature to enable, as promtool takes it: promql-experimental-functions, promql-delayed-name-removal, promql-binop-fill-modifiers, promql-unquoted-utf8-names (repeatable, comma-separated)")
	fs.StringVar(&junitPath, "junit", "", "write a JUnit XML report to `FILE`")
	fs.StringVar(&format, "format", "text", "output format: text or json")
	fs.BoolVar(&ignoreUnknown, "ignore-unknown-fields", false, "accept unknown fields in rule files")
	fs.BoolVar(&strict, "strict", false, "fail where promtool silently passes: unknown alertname, rule_files matching nothing, tests that cannot fail, random group order, dropped input series")
	fs.BoolVar(&debug, "debug", false, "print each test group's alert timeline and evaluation counts")
	fs.BoolVar(&diff, "diff", false, "print a failed alert or PromQL comparison as a diff of expected and actual (- expected, + got)")
	fs.BoolVar(&showTimeline, "timeline", false, "print the actual alert timeline of every test group")
	fs.BoolVar(&verbose, "v", false, "print warnings about what promtool accepts silently")
	catalogPath := fs.String("catalog", "auto", "metric catalog to hold input series to (a series production could not produce is refused); \"auto\" uses the catalog of ./.rulecheck.yaml if there is one, \"\" turns the check off")
	fs.IntVar(&lim.MaxSamplesPerSeries, "max-samples-per-series", harness.DefaultLimits.MaxSamplesPerSeries, "largest number of samples one input series may expand to")
	fs.IntVar(&lim.MaxSamplesPerTest, "max-samples-per-test", harness.DefaultLimits.MaxSamplesPerTest, "largest number of input samples in one test group")
	fs.IntVar(&lim.MaxSeriesPerTest, "max-series-per-test", harness.DefaultLimits.MaxSeriesPerTest, "largest number of input series in one test group")
	fs.IntVar(&lim.MaxSteps, "max-steps", harness.DefaultLimits.MaxSteps, "largest number of rule group evaluations in one test group")
	fs.IntVar(&lim.MaxQuerySamples, "max-query-samples", 0, "largest number of samples one PromQL query may load (default: promtool's 10000 for promtool files, 50000000 for rulecheck fixtures)")
	fs.DurationVar(&timeout, "query-timeout", 100*time.Second, "timeout of one PromQL query")
	fs.DurationVar(&lim.TestTimeout, "test-timeout", 10*time.Minute, "wall time after which one test group's replay is stopped (0: no limit)")
	fs.Usage = func() {
		fmt.Fprint(stderr, testUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitBadInput
	}
	// A negative limit would turn its guard off (0 already means the
	// default); refuse it rather than let a fixture expand without bound.
	for _, l := range []struct {
		name string
		v    int64
	}{{"max-samples-per-series", int64(lim.MaxSamplesPerSeries)}, {"max-samples-per-test", int64(lim.MaxSamplesPerTest)}, {"max-series-per-test", int64(lim.MaxSeriesPerTest)}, {"max-steps", int64(lim.MaxSteps)}, {"max-query-samples", int64(lim.MaxQuerySamples)}, {"query-timeout", int64(timeout)}, {"test-timeout", int64(lim.TestTimeout)}} {
		if l.v < 0 {
			fmt.Fprintf(stderr, "rulecheck: --%s: must not be negative\n", l.name)
			return exitBadInput
		}
	}
	lim.QueryTimeout = timeout
	opts := harness.Options{IgnoreUnknownFields: ignoreUnknown, Strict: strict, Diff: diff, Limits: lim}
	for _, r := range runs {
		re, err := regexp.Compile(r)
		if err != nil {
			fmt.Fprintf(stderr, "rulecheck: --run %q: %v\n", r, err)
			return exitBadInput
		}
		opts.Run = append(opts.Run, re)
	}
	if err := testCatalog(&opts, *catalogPath); err != nil {
		fmt.Fprintf(stderr, "rulecheck: --catalog: %v\n", err)
		return exitBadInput
	}
	if err := applyFeatures(&opts, features); err != nil {
		fmt.Fprintf(stderr, "rulecheck: %v\n", err)
		return exitBadInput
	}
	if format != "text" && format != "json" {
		fmt.Fprintf(stderr, "rulecheck: --format %q: expected text or json\n", format)
		return exitBadInput
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"fixtures"}
	}
	files, err := fixture.Find(paths)
	if err != nil {
		fmt.Fprintf(stderr, "rulecheck: %v\n", err)
		return exitBadInput
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "rulecheck: no test files found in %s\n", strings.Join(paths, ", "))
		return exitBadInput
	}
	var junitOut *outfile.File
	if junitPath != "" {
		inputs := testInputs(files, opts)
		f, err := outfile.Open(junitPath, inputs)
		if err != nil {
			fmt.Fprintf(stderr, "rulecheck: --junit: %v\n", err)
			return exitBadInput
		}
		defer abortReport(f, stderr)
		junitOut = f
	}

	runner := harness.NewRunner(opts)
	results := runner.RunFiles(files)
	if format != "text" || !(verbose || strict) {
		// File-level warnings (a rule_files pattern matching no file) are
		// printed whatever the flags, as promtool prints them, so that a
		// test failing for want of its rules says why.
		for _, fr := range results {
			for _, w := range fr.Warnings {
				fmt.Fprintf(stderr, "WARN  %s\n", textsafe.Indent(w, "      "))
			}
		}
	}

	switch format {
	case "json":
		if err := report.WriteJSON(stdout, results); err != nil {
			fmt.Fprintf(stderr, "rulecheck: %v\n", err)
			return exitBadInput
		}
	default:
		report.WriteText(stdout, results, report.TextOptions{Warnings: verbose || strict, Timeline: showTimeline || debug, Debug: debug})
	}
	if junitOut != nil {
		if err := report.WriteJUnit(junitOut, results); err != nil {
			fmt.Fprintf(stderr, "rulecheck: --junit: %v\n", err)
			return exitBadInput
		}
		if err := junitOut.Commit(); err != nil {
			fmt.Fprintf(stderr, "rulecheck: --junit: %v; no report written\n", err)
			return exitBadInput
		}
	}
	return exitCode(results)
}

func exitCode(results []*harness.FileResult) int {
	code := exitOK
	for _, fr := range results {
		if fr.Err != nil {
			return exitBadInput
		}
		for _, t := range fr.Tests {
			if t.BadInput {
				return exitBadInput
			}
			if t.Failed() {
				code = exitFailed
			}
		}
	}
	return code
}

// applyFeatures sets PromQL feature flags as promtool's --enable-feature
// does.
func applyFeatures(opts *harness.Options, features []string) error {
	po := parser.Options{}
	for _, f := range features {
		for _, o := range strings.Split(f, ",") {
			switch strings.TrimSpace(o) {
			case "promql-unquoted-utf8-names":
				po.EnableUnquotedUTF8Names = true
			case "promql-experimental-functions":
				po.EnableExperimentalFunctions = true
			case "promql-delayed-name-removal":
				opts.EnableDelayedNameRemoval = true
			case "promql-binop-fill-modifiers":
				po.EnableBinopFillModifiers = true
			case "promql-duration-expr", "promql-extended-range-selectors", "":
				// Always on in Prometheus 3.16; accepted for compatibility.
			default:
				return fmt.Errorf("--enable-feature: unknown feature %q", o)
			}
		}
	}
	opts.ParserOptions = po
	return nil
}

// testInputs lists the files a run reads: the test files, and the
// configuration and catalog that govern them, which a report must not
// overwrite.
func testInputs(files []string, opts harness.Options) []string {
	inputs := slices.Clone(files)
	if opts.Catalog != nil {
		inputs = append(inputs, opts.Catalog.Path)
	}
	var finder projectconfig.Finder
	for _, f := range files {
		if p, err := finder.For(f); err == nil {
			inputs = append(inputs, p.ConfigPath, p.CatalogPath)
		}
	}
	return inputs
}

// testCatalog sets the catalog fixtures are held to: the named file; with
// "auto" the catalog of the configuration that governs each fixture (found
// from the fixture's directory upward); with "" none.
func testCatalog(opts *harness.Options, path string) error {
	switch path {
	case "auto":
		return nil
	case "":
		opts.NoCatalog = true
		return nil
	}
	cat, err := catalog.Load(path)
	opts.Catalog = cat
	return err
}

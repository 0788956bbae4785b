package main

import (
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
	"github.com/codevaldcortex/rulecheck/internal/chart"
	"github.com/codevaldcortex/rulecheck/internal/htmlreport"
	"github.com/codevaldcortex/rulecheck/internal/outfile"
	"github.com/codevaldcortex/rulecheck/internal/projectconfig"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/report"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
	"github.com/codevaldcortex/rulecheck/internal/tmplbound"
)

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
  rulecheck test --coverage --rules-dir rules/ --min-coverage 100
  rulecheck test --coverage-out coverage.lcov --coverage-format lcov

Flags:
`

// testFlags are the flags and arguments of "rulecheck test".
type testFlags struct {
	runs, features                                   multiFlag
	junitPath, format, catalogPath                   string
	ignoreUnknown, strict, debug, diff, showTimeline bool
	verbose                                          bool
	lim                                              harness.Limits
	timeout, runTimeout                              time.Duration
	paths                                            []string
	cov                                              coverageFlags
	shard                                            string
	charts                                           chartFlags
	htmlPath                                         string
}

func runTest(args []string, stdout, stderr io.Writer) int {
	tf, code, ok := parseTestFlags(args, stderr)
	if !ok {
		return code
	}
	return tf.run(stdout, stderr)
}

// parseTestFlags reads the command line; ok is false when the command is
// done (help, or bad usage: code says which).
func parseTestFlags(args []string, stderr io.Writer) (tf *testFlags, code int, ok bool) {
	tf = &testFlags{}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&tf.runs, "run", "run only test groups whose name matches this regular expression (repeatable); an unnamed group's name is empty here, as in promtool")
	fs.Var(&tf.features, "enable-feature", "PromQL feature to enable, as promtool takes it: promql-experimental-functions, promql-delayed-name-removal, promql-binop-fill-modifiers, promql-unquoted-utf8-names (repeatable, comma-separated)")
	fs.StringVar(&tf.junitPath, "junit", "", "write a JUnit XML report to `FILE`")
	fs.StringVar(&tf.format, "format", "text", "output format: text, json or github (GitHub Actions annotations)")
	fs.BoolVar(&tf.ignoreUnknown, "ignore-unknown-fields", false, "accept unknown fields in rule files")
	fs.BoolVar(&tf.strict, "strict", false, "fail where promtool silently passes: unknown alertname, rule_files matching nothing, --run matching no test group, tests that cannot fail, random group order, dropped input series")
	fs.BoolVar(&tf.debug, "debug", false, "print each test group's input series, every series its rules recorded with their samples, and its alert timeline")
	fs.BoolVar(&tf.diff, "diff", false, "print a failed alert or PromQL comparison as a diff of expected and actual (- expected, + got)")
	fs.BoolVar(&tf.showTimeline, "timeline", false, "print the actual alert timeline of every test group")
	fs.BoolVar(&tf.verbose, "v", false, "print warnings about what promtool accepts silently, and notes")
	fs.StringVar(&tf.catalogPath, "catalog", "auto", "metric catalog to hold input series to (a series production could not produce is refused); \"auto\" uses the catalog named by the .rulecheck.yaml found from each test file's directory upward to the repository root, \"\" turns the check off")
	fs.IntVar(&tf.lim.MaxSamplesPerSeries, "max-samples-per-series", harness.DefaultLimits.MaxSamplesPerSeries, "largest number of samples one input series may expand to")
	fs.IntVar(&tf.lim.MaxSamplesPerTest, "max-samples-per-test", harness.DefaultLimits.MaxSamplesPerTest, "largest number of input samples in one test group")
	fs.IntVar(&tf.lim.MaxSeriesPerTest, "max-series-per-test", harness.DefaultLimits.MaxSeriesPerTest, "largest number of input series in one test group")
	fs.IntVar(&tf.lim.MaxSteps, "max-steps", harness.DefaultLimits.MaxSteps, "largest number of rule group evaluations in one test group")
	fs.IntVar(&tf.lim.MaxQuerySamples, "max-query-samples", 0, "largest number of samples one PromQL query may load (default: promtool's 10000 for promtool files, 50000000 for rulecheck fixtures)")
	fs.Int64Var(&tf.lim.MaxTemplateBytes, "max-template-bytes", tmplbound.DefaultBytes, "largest number of bytes the templates of one alerting rule that are not plain (a range, a defined template, printf with a width, nested escaping...) may expand to in one evaluation, for all its alerts; each range iteration counts 16 and each query 1024")
	fs.DurationVar(&tf.timeout, "query-timeout", 100*time.Second, "timeout of one PromQL query")
	fs.DurationVar(&tf.lim.TestTimeout, "test-timeout", 10*time.Minute, "wall time after which one test group's replay is stopped (0: no limit)")
	fs.DurationVar(&tf.runTimeout, "timeout", time.Hour, "wall time after which the whole run is stopped: every test group still running or waiting fails as bad input (0: no limit)")
	tf.cov.define(fs)
	tf.charts.define(fs, true)
	fs.StringVar(&tf.shard, "shard", "", "run only shard `K/N` of the test files (test file i, in the order found, belongs to shard i mod N + 1), so that N CI runners together run each exactly once; not with coverage, which needs every test file")
	fs.StringVar(&tf.htmlPath, "html", "", "write an HTML report to `FILE`: one self-contained page with a summary and every test group's chart, failing groups first, and the rule coverage when computed")
	fs.Usage = func() {
		fmt.Fprint(stderr, testUsage)
		fs.PrintDefaults()
	}
	tf.paths, code, ok = parseCommandArgs(fs, args, stderr)
	if !ok {
		return nil, code, false
	}
	if len(tf.paths) > 0 && tf.paths[0] == "rules" {
		// promtool's "test rules FILE..."; a folder named rules is ./rules.
		tf.paths = tf.paths[1:]
	}
	if len(tf.paths) == 0 {
		tf.paths = []string{"fixtures"}
	}
	return tf, exitOK, true
}

// options checks the flags and turns them into the harness's options.
func (tf *testFlags) options(stdout io.Writer) (harness.Options, error) {
	lim := tf.lim
	// A negative limit would turn its guard off (0 already means the
	// default); refuse it rather than let a fixture expand without bound.
	for _, l := range []struct {
		name string
		v    int64
	}{{"max-samples-per-series", int64(lim.MaxSamplesPerSeries)}, {"max-samples-per-test", int64(lim.MaxSamplesPerTest)}, {"max-series-per-test", int64(lim.MaxSeriesPerTest)}, {"max-steps", int64(lim.MaxSteps)}, {"max-query-samples", int64(lim.MaxQuerySamples)}, {"max-template-bytes", lim.MaxTemplateBytes}, {"query-timeout", int64(tf.timeout)}, {"test-timeout", int64(lim.TestTimeout)}, {"timeout", int64(tf.runTimeout)}} {
		if l.v < 0 {
			return harness.Options{}, fmt.Errorf("--%s: must not be negative", l.name)
		}
	}
	lim.QueryTimeout = tf.timeout
	// --debug shows every series the rules record, so every rule runs.
	// Charts draw the input series and recorded outputs.
	opts := harness.Options{IgnoreUnknownFields: tf.ignoreUnknown, Strict: tf.strict, Diff: tf.diff, Limits: lim, RecordOutputs: tf.debug || tf.wantCharts(stdout) || tf.htmlPath != "", NoPrune: tf.debug}
	for _, r := range tf.runs {
		re, err := regexp.Compile(r)
		if err != nil {
			return opts, fmt.Errorf("--run %q: %v", r, err)
		}
		opts.Run = append(opts.Run, re)
	}
	if err := testCatalog(&opts, tf.catalogPath); err != nil {
		return opts, fmt.Errorf("--catalog: %v", err)
	}
	if err := applyFeatures(&opts, tf.features); err != nil {
		return opts, err
	}
	if !slices.Contains([]string{"text", "json", "github"}, tf.format) {
		return opts, fmt.Errorf("--format %q: expected text, json or github", tf.format)
	}
	if err := tf.charts.check(); err != nil {
		return opts, err
	}
	return opts, tf.cov.check()
}

// wantCharts reports whether the run draws charts.
func (tf *testFlags) wantCharts(stdout io.Writer) bool {
	return tf.format == "text" && tf.charts.draws(stdout)
}

// run runs the test files and reports.
func (tf *testFlags) run(stdout, stderr io.Writer) int {
	opts, err := tf.options(stdout)
	if err != nil {
		fmt.Fprintf(stderr, "rulecheck: %v\n", errText(err))
		return exitBadInput
	}
	files, err := fixture.Find(tf.paths)
	if err != nil {
		fmt.Fprintf(stderr, "rulecheck: %v\n", errText(err))
		return exitBadInput
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "rulecheck: no test files found in %s\n", strings.Join(tf.paths, ", "))
		return exitBadInput
	}
	if files, err = tf.shardOf(files); err != nil {
		fmt.Fprintf(stderr, "rulecheck: %v\n", errText(err))
		return exitBadInput
	}
	var junitOut *outfile.File
	if tf.junitPath != "" {
		f, err := outfile.Open(tf.junitPath, testInputs(files, opts))
		if err != nil {
			fmt.Fprintf(stderr, "rulecheck: --junit: %v\n", errText(err))
			return exitBadInput
		}
		defer abortReport(f, stderr)
		junitOut = f
	}
	if err := tf.cov.open(testInputs(files, opts)); err != nil {
		fmt.Fprintf(stderr, "rulecheck: %v\n", errText(err))
		return exitBadInput
	}
	if tf.cov.out != nil {
		defer abortReport(tf.cov.out, stderr)
	}
	var htmlOut *outfile.File
	if tf.htmlPath != "" {
		f, err := outfile.Open(tf.htmlPath, testInputs(files, opts))
		if err != nil {
			fmt.Fprintf(stderr, "rulecheck: --html: %v\n", errText(err))
			return exitBadInput
		}
		defer abortReport(f, stderr)
		htmlOut = f
	}

	tuneGCForReplay()
	if tf.runTimeout > 0 {
		opts.Limits.Deadline = time.Now().Add(tf.runTimeout)
	}
	started := time.Now()
	results := harness.NewRunner(opts).RunFiles(files)
	elapsed := time.Since(started)
	tf.printWarnings(stderr, results)
	noneRun := tf.reportNoneSelected(stderr, results)

	switch tf.format {
	case "json":
		err = report.WriteJSON(stdout, results)
	case "github":
		err = report.WriteGitHub(stdout, results)
	default:
		report.WriteText(stdout, results, report.TextOptions{Warnings: tf.verbose || tf.strict, Timeline: tf.showTimeline || tf.debug, Debug: tf.debug,
			FailedChart: tf.charts.failedChart(stdout, &chart.Builder{Parser: promqlparser.New(opts.ParserOptions)})})
	}
	if err != nil {
		fmt.Fprintf(stderr, "rulecheck: %v\n", errText(err))
		return exitBadInput
	}
	if junitOut != nil {
		if err := report.WriteJUnit(junitOut, results); err != nil {
			fmt.Fprintf(stderr, "rulecheck: --junit: %v\n", errText(err))
			return exitBadInput
		}
		if err := junitOut.Commit(); err != nil {
			fmt.Fprintf(stderr, "rulecheck: --junit: %v; no report written\n", errText(err))
			return exitBadInput
		}
	}
	code := exitCode(results)
	if code == exitOK && noneRun && tf.strict {
		code = exitFailed
	}
	if tf.cov.wanted() {
		// The table follows the results on standard output; beside a
		// machine-readable report it goes to standard error.
		table := stdout
		if tf.format != "text" {
			table = stderr
		}
		code = max(code, tf.cov.report(results, files, opts, table, stderr))
	}
	if htmlOut != nil {
		run := htmlreport.Run{Results: results, Duration: elapsed, Charts: &chart.Builder{Parser: promqlparser.New(opts.ParserOptions)}, Coverage: tf.cov.rep}
		if err := htmlreport.Write(htmlOut, run); err != nil {
			fmt.Fprintf(stderr, "rulecheck: --html: %v\n", errText(err))
			return exitBadInput
		}
		if err := htmlOut.Commit(); err != nil {
			fmt.Fprintf(stderr, "rulecheck: --html: %v; no report written\n", errText(err))
			return exitBadInput
		}
	}
	return code
}

// printWarnings prints file-level warnings (a rule_files pattern matching
// no file) on standard error whatever the flags, as promtool prints them,
// so that a test failing for want of its rules says why; the text report
// shows them itself with -v or --strict.
func (tf *testFlags) printWarnings(stderr io.Writer, results []*harness.FileResult) {
	if tf.format == "text" && (tf.verbose || tf.strict) {
		return
	}
	for _, fr := range results {
		for _, w := range fr.Warnings {
			fmt.Fprintf(stderr, "WARN  %s\n", textsafe.Indent(w, "      "))
		}
	}
}

// reportNoneSelected says on standard error when --run selected no test
// group, so that a typo in a CI filter does not look green.
func (tf *testFlags) reportNoneSelected(stderr io.Writer, results []*harness.FileResult) bool {
	if len(tf.runs) == 0 {
		return false
	}
	groups := 0
	for _, fr := range results {
		for _, t := range fr.Tests {
			if !t.Skipped {
				return false
			}
			groups++
		}
	}
	fmt.Fprintf(stderr, "rulecheck: --run %s matched none of the %d test groups in %d files\n", strings.Join(tf.runs, " --run "), groups, len(results))
	return true
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

// shardOf keeps the test files of --shard K/N: file i (in the order found)
// belongs to shard i mod N + 1. Coverage is refused with a shard: it is
// computed over every test file, and one shard would report rules its
// files do not load as uncovered.
func (tf *testFlags) shardOf(files []string) ([]string, error) {
	sh, err := parseShard(tf.shard)
	if err != nil || sh.Of <= 1 {
		return files, err
	}
	if tf.cov.wanted() {
		return nil, fmt.Errorf("--shard %s: coverage (--coverage, --coverage-out, --min-coverage, --rules-dir) needs every test file; compute it in an unsharded run", tf.shard)
	}
	var out []string
	for i, f := range files {
		if i%sh.Of == sh.K-1 {
			out = append(out, f)
		}
	}
	return out, nil
}

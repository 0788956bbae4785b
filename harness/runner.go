// Package harness replays Prometheus rule groups over synthetic series on a
// simulated clock and checks which alerts fire, and when.
//
// It runs promtool's rule unit-test files unchanged, with promtool's
// semantics, and rulecheck's own fixtures (format: rulecheck/v1), whose
// groups are evaluated at their own intervals as on a Prometheus server and
// whose tests can pin each alert's timeline. Evaluation is Prometheus's own:
// its PromQL engine, its rule groups, its templates.
package harness

import (
	"cmp"
	"errors"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/storage"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/harness/prune"
	"github.com/codevaldcortex/rulecheck/internal/projectconfig"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
	"github.com/codevaldcortex/rulecheck/position"
)

// Options say how fixtures are run.
type Options struct {
	// Run, when set, selects the test groups whose names match any of them.
	Run []*regexp.Regexp
	// IgnoreUnknownFields accepts unknown fields in rule files.
	IgnoreUnknownFields bool
	// ParserOptions are the PromQL feature flags (experimental functions...).
	ParserOptions parser.Options
	// EnableDelayedNameRemoval matches promtool's promql-delayed-name-removal.
	EnableDelayedNameRemoval bool
	// Strict turns the places where promtool is silently lenient into
	// failures: an alertname no rule defines, a rule_files pattern that
	// matches nothing, an alert test that cannot fail, ambiguous group
	// order, input series that promtool drops or replaces.
	Strict bool
	// Diff prints a failed comparison as a line diff of expected and actual
	// alerts or samples, like promtool's --diff, instead of both lists.
	Diff bool
	// Limits bound the resources a fixture may ask for.
	Limits Limits
	// Catalog, when set, holds every fixture's input series to this metric
	// catalog (see catalog.go). When nil, each fixture is held to the
	// catalog of the .rulecheck.yaml found from its own directory upward to
	// the repository root, as the rulecheck command does; NoCatalog turns
	// that off.
	Catalog   *catalog.Catalog
	NoCatalog bool
	// RecordOutputs keeps every recording rule's output series in the
	// test results' History.
	RecordOutputs bool
	// NoPrune evaluates every rule at every step, even those no assertion
	// depends on (see package prune). Verdicts are the same either way.
	NoPrune bool
	// NoSharing makes a Runner made by WithRule load every rule group and
	// decide every plan again, instead of sharing with the Runner it was
	// made from the groups the substitution leaves alone and the plans of
	// the rules as written (see WithRule). Verdicts are the same either
	// way; tests compare them.
	NoSharing bool
}

// Limits bound what a fixture may make rulecheck do. Zero means the default.
type Limits struct {
	MaxSamplesPerSeries int
	MaxSamplesPerTest   int
	MaxSeriesPerTest    int
	// MaxSteps bounds the evaluation steps of one test group.
	MaxSteps int
	// MaxQuerySamples is the engine's per-query sample limit (default:
	// promtool's 10000 for promtool files, a server's 50000000 for rulecheck/v1
	// fixtures).
	MaxQuerySamples int
	QueryTimeout    time.Duration
	// TestTimeout bounds the wall time of one test group's replay; zero
	// means no bound. It is the last guard against a fixture that stays
	// within every other limit yet needs hours (a 1ms interval over a long
	// series, say); the replay stops between two evaluations.
	TestTimeout time.Duration
	// Deadline, when set, bounds the whole run: every replay still running
	// (or not yet started) then stops between two evaluations, and a query
	// under way is cancelled.
	Deadline time.Time
	// MaxTemplateBytes bounds what the templates of one alerting rule
	// that are not plain may expand to in one evaluation, for all its
	// alerts (default tmplbound.DefaultBytes); a range iteration, a list
	// and a query a template runs count too (see package tmplbound).
	MaxTemplateBytes int64
}

// DefaultLimits are the limits used when Options.Limits leaves one zero.
var DefaultLimits = Limits{
	MaxSamplesPerSeries: 1_000_000,
	MaxSamplesPerTest:   10_000_000,
	MaxSeriesPerTest:    100_000,
	MaxSteps:            1_000_000,
}

func (l Limits) series() fixture.SeriesLimits {
	return fixture.SeriesLimits{MaxSamplesPerSeries: l.MaxSamplesPerSeries, MaxSamplesPerTest: l.MaxSamplesPerTest, MaxSeriesPerTest: l.MaxSeriesPerTest}
}

func (l Limits) withDefaults() Limits {
	if l.MaxSamplesPerSeries == 0 {
		l.MaxSamplesPerSeries = DefaultLimits.MaxSamplesPerSeries
	}
	if l.MaxSamplesPerTest == 0 {
		l.MaxSamplesPerTest = DefaultLimits.MaxSamplesPerTest
	}
	if l.MaxSeriesPerTest == 0 {
		l.MaxSeriesPerTest = DefaultLimits.MaxSeriesPerTest
	}
	if l.MaxSteps == 0 {
		l.MaxSteps = DefaultLimits.MaxSteps
	}
	return l
}

// Runner runs fixtures. It loads each rule file once, however many fixtures
// and test groups use it. A Runner is safe for concurrent use.
type Runner struct {
	opts        Options
	loader      *rulefile.Loader
	p           parser.Parser
	ruleMetrics *rules.Metrics

	protoMtx sync.Mutex
	protos   map[string]protoGroups

	// probes are the evaluations over no data (instantiate.go), shared
	// with the Runners made by WithRule.
	probes *probeCache
	// memo is what pruning keeps between test groups, shared likewise.
	memo *prune.Memo
	// written holds, for WithRule Runners made from this one, each test
	// group's plan for the rules as written (substitute.go).
	written writtenPlans

	configs    *projectconfig.Finder
	catalogMtx sync.Mutex
	catalogs   map[*Fixture]fixtureCatalog
	ams        *alertmanagers
	// sub is the rule a WithRule Runner substitutes, nil otherwise.
	sub *substitution
}

// fixtureCatalog is the catalog a fixture is held to and the configuration
// file that named it ("" when given in Options).
type fixtureCatalog struct {
	cat    *catalog.Catalog
	config string
}

// NewRunner returns a Runner with the given options.
func NewRunner(opts Options) *Runner {
	opts.Limits = opts.Limits.withDefaults()
	p := promqlparser.New(opts.ParserOptions)
	return &Runner{
		opts:   opts,
		p:      p,
		loader: &rulefile.Loader{Opts: rulefile.Options{IgnoreUnknownFields: opts.IgnoreUnknownFields, Parser: p}},
		// Not registered anywhere: nothing reads the rule manager's metrics.
		ruleMetrics: rules.NewGroupMetrics(nil),
		configs:     &projectconfig.Finder{},
		ams:         &alertmanagers{},
		probes:      &probeCache{},
		memo:        &prune.Memo{},
	}
}

func (r *Runner) parser() parser.Parser { return r.p }

// FileResult is the outcome of one fixture file.
type FileResult struct {
	Path string
	// Err is set when the file could not be run at all (unreadable, bad
	// YAML); no test group ran.
	Err   error
	Tests []*TestResult
	// RuleFiles are the rule files the fixture loads (resolved), for
	// coverage.
	RuleFiles []string
	// Warnings are what promtool would let pass silently.
	Warnings []string
	// Notes are what was passed over on purpose, such as the objects of
	// other kinds in a manifest bundle given as a rule file.
	Notes []string
}

// Failed reports whether the file or any of its test groups failed.
func (fr *FileResult) Failed() bool {
	if fr.Err != nil {
		return true
	}
	for _, t := range fr.Tests {
		if t.Failed() {
			return true
		}
	}
	return false
}

// TestResult is the outcome of one test group.
type TestResult struct {
	// file is the fixture the failures are in.
	file string
	Name string
	Line int
	// Failures are the assertion failures and errors, in the order found.
	Failures []Failure
	Warnings []string
	// Skipped is set for test groups --run did not select.
	Skipped bool
	// History is what happened during the replay (nil when it did not run
	// to the end).
	History *History
	// Timeline is every alert episode of the replay (History.Episodes).
	Timeline []Episode
	// Checked are the assertions that were checked, in the order checked,
	// with their outcome; an assertion the replay did not reach (it stopped
	// on an error) is not in it.
	Checked []Checked
	// Expected is the timeline the test group pins, nil without one.
	Expected []Episode
	// Inputs are the input series as loaded (only with
	// Options.RecordOutputs).
	Inputs []SeriesOutput
	// Unaffected is set, by a Runner made with WithRule, when the
	// substituted rule cannot change the test group's verdict (see
	// WithRule); the group was not replayed and passes as it did.
	Unaffected bool
	// Evaluations counts rule group evaluations done.
	Evaluations int
	// BadInput is set when the test group could not run because of a
	// malformed input series or rule file.
	BadInput bool
	// Started and Duration say when the test group ran and for how long
	// (wall time; for reports such as JUnit, never for verdicts).
	Started  time.Time
	Duration time.Duration
}

// Failed reports whether the test group failed.
func (tr *TestResult) Failed() bool { return len(tr.Failures) > 0 }

// Checked is one assertion that was checked, and whether it held.
type Checked struct {
	Assertion fixture.Assertion
	Passed    bool
}

// Failure is one failed assertion or error, at the place in the fixture it
// is about (File, Line).
type Failure struct {
	position.Range
	Message string
}

// FailureAt returns a failure at a line of a file.
func FailureAt(file string, line int, msg string) Failure {
	return Failure{Range: position.At(file, line, 0), Message: msg}
}

func (tr *TestResult) fail(line int, msg string) {
	tr.Failures = append(tr.Failures, FailureAt(tr.file, line, msg))
}

// RunFiles runs fixture files and returns their results in the order of
// paths. Test groups of all files run on all cores, longest first; results
// do not depend on the scheduling.
func (r *Runner) RunFiles(paths []string) []*FileResult {
	fixtures := make([]*Fixture, len(paths))
	out := make([]*FileResult, len(paths))
	for i, p := range paths {
		f, err := fixture.Load(p)
		if err != nil {
			out[i] = &FileResult{Path: p, Err: err}
			continue
		}
		fixtures[i] = f
	}
	r.runFixtures(fixtures, out)
	return out
}

// RunFile loads and runs one fixture file.
func (r *Runner) RunFile(path string) *FileResult {
	return r.RunFiles([]string{path})[0]
}

// RunFixture runs every selected test group of a parsed fixture.
func (r *Runner) RunFixture(f *Fixture) *FileResult {
	out := make([]*FileResult, 1)
	r.runFixtures([]*Fixture{f}, out)
	return out[0]
}

// runFixtures runs the test groups of the fixtures (nil entries are
// skipped) in parallel, filling out in place.
func (r *Runner) runFixtures(fixtures []*Fixture, out []*FileResult) {
	type job struct {
		f    *Fixture
		tg   *TestGroup
		slot **TestResult
		cost time.Duration
	}
	var jobs []job
	for i, f := range fixtures {
		if f == nil {
			continue
		}
		fr, ok := r.prepare(f)
		out[i] = fr
		if !ok {
			continue
		}
		fr.Tests = make([]*TestResult, len(f.Tests))
		for j, tg := range f.Tests {
			if !r.selected(tg.RunName()) {
				fr.Tests[j] = &TestResult{Name: tg.Name, Line: tg.Line, Skipped: true}
				continue
			}
			jobs = append(jobs, job{f: f, tg: tg, slot: &fr.Tests[j], cost: tg.LastEvalTime() / max(tg.Interval, 1)})
		}
	}
	slices.SortStableFunc(jobs, func(a, b job) int { return cmp.Compare(b.cost, a.cost) })
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	next := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range next {
				*j.slot = r.runTestGroup(j.f, j.tg)
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}

// prepare does the per-file checks before any test group runs; ok is false
// when the file cannot run.
func (r *Runner) prepare(f *Fixture) (fr *FileResult, ok bool) {
	fr = &FileResult{Path: f.Path, RuleFiles: f.RuleFiles}
	for _, p := range f.UnmatchedPatterns {
		w := f.Path + ":" + strconv.Itoa(p.Line) + ": rule_files pattern " + strconv.Quote(p.Value) + " matches no file"
		if f.ServerSchedule {
			// The rulecheck format has no promtool verdict to keep: a test
			// whose rules are missing must not pass.
			fr.Err = &fixture.Error{Range: position.At(f.Path, p.Line, 0), Msg: "rule_files pattern " + strconv.Quote(p.Value) + " matches no file (relative paths are from the test file's folder)"}
			return fr, false
		}
		if r.opts.Strict {
			fr.Err = errors.New(w)
			return fr, false
		}
		fr.Warnings = append(fr.Warnings, w)
	}
	for _, d := range f.IgnoredDocuments {
		// promtool skips these silently; the verdict stays promtool's, but
		// tests that never run must not pass unnoticed.
		fr.Warnings = append(fr.Warnings, d.String()+": a second YAML document (after \"---\") is ignored, as promtool ignores it: its tests do not run")
	}
	if len(f.Tests) == 0 {
		// promtool passes a file without tests; a gate says so.
		fr.Warnings = append(fr.Warnings, f.Path+": no test groups (tests: is empty or missing): nothing in this file is tested")
	}
	fr.Notes = r.skippedNotes(f)
	if err := r.loadAlertmanagers(f); err != nil {
		fr.Err = err
		return fr, false
	}
	if err := r.findCatalog(f); err != nil {
		fr.Err = err
		return fr, false
	}
	if f.ServerSchedule || r.opts.Strict {
		// Load rule files up front so that a broken one is reported once for
		// the file, not once per test group. promtool reports it per test
		// group; the verdict is the same.
		for _, rf := range f.RuleFiles {
			if _, err := r.loader.File(rf); err != nil {
				fr.Err = err
				return fr, false
			}
		}
	}
	return fr, true
}

// findCatalog settles which catalog the fixture is held to.
func (r *Runner) findCatalog(f *Fixture) error {
	fc := fixtureCatalog{cat: r.opts.Catalog}
	if fc.cat == nil && !r.opts.NoCatalog {
		p, err := r.configs.For(f.Path)
		if err != nil {
			return err
		}
		fc = fixtureCatalog{cat: p.Catalog, config: p.ConfigPath}
	}
	r.catalogMtx.Lock()
	defer r.catalogMtx.Unlock()
	if r.catalogs == nil {
		r.catalogs = map[*Fixture]fixtureCatalog{}
	}
	r.catalogs[f] = fc
	return nil
}

func (r *Runner) catalogFor(f *Fixture) fixtureCatalog {
	r.catalogMtx.Lock()
	defer r.catalogMtx.Unlock()
	return r.catalogs[f]
}

// skippedNotes names the objects of other kinds that the fixture's rule
// files hold beside their PrometheusRules. A file that fails to load is
// reported where it is used.
func (r *Runner) skippedNotes(f *Fixture) []string {
	var notes []string
	for _, rf := range f.RuleFiles {
		file, err := r.loader.File(rf)
		if err != nil {
			continue
		}
		for _, s := range file.Skipped {
			notes = append(notes, rf+":"+strconv.Itoa(s.Pos.Line)+": skipped a "+s.Kind+": only PrometheusRule objects hold rules")
		}
	}
	return notes
}

func (r *Runner) selected(name string) bool {
	if len(r.opts.Run) == 0 {
		return true
	}
	for _, re := range r.opts.Run {
		if re.MatchString(name) {
			return true
		}
	}
	return false
}

func (r *Runner) runTestGroup(f *Fixture, tg *TestGroup) *TestResult {
	res := &TestResult{Name: tg.Name, Line: tg.Line, Started: time.Now(), file: f.Path}
	if tg.HasTimeline {
		res.Expected = make([]Episode, len(tg.Timeline))
		for i, te := range tg.Timeline {
			res.Expected[i] = expectedEpisode(te)
		}
	}
	defer func() { res.Duration = time.Since(res.Started) }()
	rp, err := r.newReplay(f, tg, res)
	if err != nil {
		res.BadInput = true
		res.fail(tg.Line, err.Error())
		return res
	}
	defer rp.close()
	if res.BadInput {
		return res
	}
	rp.run(res, rp.schedule())
	return res
}

var appendOpts = storage.AppendV2Options{}

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "\n"))
}

// Verdicts reduces a file result to promtool's terms: whether the run
// succeeded, and pass or fail per JUnit testcase name. A file that could not
// be run at all is one failed case named "unknown", as in promtool's JUnit.
func Verdicts(fr *FileResult) (ok bool, cases map[string]string) {
	cases = map[string]string{}
	if fr.Err != nil {
		cases["unknown"] = "fail"
	}
	for _, tc := range fr.Tests {
		if tc.Skipped {
			continue
		}
		v := "pass"
		if tc.Failed() {
			v = "fail"
		}
		cases[tc.Name] = v
	}
	return !fr.Failed(), cases
}

package mutation

import (
	"cmp"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
)

// Config says what to mutate and how tests run.
type Config struct {
	// Options are the harness options the tests run with.
	Options harness.Options
	// Operators are the operators to apply (nil: all).
	Operators []Operator
	// Rules, when set, limits mutation to the rules whose alert or record
	// name it matches.
	Rules *regexp.Regexp
	// Workers is how many mutants run at once (0: GOMAXPROCS).
	Workers int
	// Shard, when Shard.Of > 1, runs only the mutants of one shard.
	Shard Shard
	// AllKillers runs every fixture on a killed mutant, so that KilledBy
	// lists every test group that fails on it. Without it the fixtures
	// run one after the other and stop at the first that kills the
	// mutant: the verdicts are the same, KilledBy lists the failed test
	// groups of that first fixture only, and the run is faster.
	AllKillers bool
}

// Shard is the K-th of N parts of the mutants (K from 1): mutant i belongs
// to shard i mod N + 1, so shards split evenly and the same way each run.
type Shard struct{ K, Of int }

func (s Shard) has(i int) bool { return s.Of <= 1 || i%s.Of == s.K-1 }

// BaseFailure is returned when the tests fail on the rules as written:
// mutation testing needs a passing suite.
type BaseFailure struct{ Files []string }

func (e *BaseFailure) Error() string {
	return fmt.Sprintf("tests fail on the rules as written (%v); mutation testing needs a passing suite: run rulecheck test", e.Files)
}

// Run loads the fixtures once, checks that they pass, and runs every
// mutant of every rule they load against the fixtures that load its file.
// The report is the same, in the same order, whatever the Workers.
func Run(paths []string, cfg Config) (*Report, error) {
	r := harness.NewRunner(cfg.Options)
	fixtures := make([]*fixture.Fixture, len(paths))
	for i, p := range paths {
		f, err := fixture.Load(p)
		if err != nil {
			return nil, err
		}
		fixtures[i] = f
	}
	if err := checkBase(r, fixtures); err != nil {
		return nil, err
	}
	jobs, files, err := plan(r, fixtures, cfg)
	if err != nil {
		return nil, err
	}
	runJobs(r, jobs, cfg.Workers, cfg.AllKillers)
	return newReport(files, jobs, cfg.Shard), nil
}

func checkBase(r *harness.Runner, fixtures []*fixture.Fixture) error {
	var failed []string
	for _, f := range fixtures {
		if fr := r.RunFixture(f); fr.Failed() {
			failed = append(failed, f.Path)
		}
	}
	if len(failed) > 0 {
		return &BaseFailure{Files: failed}
	}
	return nil
}

// job is one mutant and where it runs.
type job struct {
	Result
	ref      harness.RuleRef
	fixtures []*fixture.Fixture
}

// plan lists the mutants, rule file by rule file in the order the fixtures
// load them, rule by rule in file order, operator by operator.
func plan(r *harness.Runner, fixtures []*fixture.Fixture, cfg Config) ([]*job, []string, error) {
	ops := cfg.Operators
	if ops == nil {
		ops = operators
	}
	p := promqlparser.New(cfg.Options.ParserOptions)
	var files []string
	users := map[string][]*fixture.Fixture{}
	for _, f := range fixtures {
		for _, rf := range f.RuleFiles {
			if users[rf] == nil {
				files = append(files, rf)
			}
			if !slices.Contains(users[rf], f) {
				users[rf] = append(users[rf], f)
			}
		}
	}
	var jobs []*job
	n := 0
	for _, path := range files {
		rf, err := r.RuleFile(path)
		if err != nil {
			return nil, nil, err
		}
		for gi, g := range rf.Groups {
			for ri, rule := range g.Rules {
				name := cmp.Or(rule.Alert, rule.Record)
				if cfg.Rules != nil && !cfg.Rules.MatchString(name) {
					continue
				}
				for _, m := range Generate(rule, ops, p) {
					if cfg.Shard.has(n) {
						j := &job{ref: harness.RuleRef{File: path, Group: gi, Index: ri}, fixtures: users[path]}
						j.Result = Result{ID: n, File: path, Line: g.RulePos[ri].Line, Group: g.Name, Rule: name, Mutant: m}
						jobs = append(jobs, j)
					}
					n++
				}
			}
		}
	}
	return jobs, files, nil
}

// runJobs runs the mutants on workers, each filling in its own job.
func runJobs(r *harness.Runner, jobs []*job, workers int, all bool) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan *job)
	var wg sync.WaitGroup
	for range min(workers, max(len(jobs), 1)) {
		wg.Go(func() {
			for j := range next {
				j.run(r, all)
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
}

// run runs the fixtures that load the mutated rule's file with the mutant
// in place of the rule, one fixture after the other in a fixed order
// (those whose assertions name the rule first), and stops after the first
// fixture with a failed test group: those test groups killed it. With all
// set it runs every fixture.
func (j *job) run(r *harness.Runner, all bool) {
	mr, err := r.WithRule(j.ref, j.Mutant.Rule)
	if err != nil {
		j.Killed, j.KilledBy = true, []string{err.Error()}
		return
	}
	for _, f := range namingFirst(j.fixtures, j.Rule) {
		if len(j.KilledBy) > 0 && !all {
			break
		}
		fr := mr.RunFixture(f)
		if fr.Err != nil {
			j.KilledBy = append(j.KilledBy, fmt.Sprintf("%s: %v", f.Path, fr.Err))
		}
		for _, t := range fr.Tests {
			j.TestGroups++
			if !t.Unaffected {
				j.Replayed++
			}
			if t.Failed() {
				j.KilledBy = append(j.KilledBy, fmt.Sprintf("%s:%d %s", f.Path, t.Line, t.Name))
			}
		}
	}
	j.Killed = len(j.KilledBy) > 0
}

// namingFirst orders fixtures: those with an assertion that reads the
// named alert (or runs a query naming the rule) first, each part in the
// given order.
func namingFirst(fixtures []*fixture.Fixture, name string) []*fixture.Fixture {
	out := slices.Clone(fixtures)
	slices.SortStableFunc(out, func(a, b *fixture.Fixture) int {
		return cmp.Compare(b2i(!names(a, name)), b2i(!names(b, name)))
	})
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func names(f *fixture.Fixture, name string) bool {
	for _, tg := range f.Tests {
		for _, rd := range tg.Reads() {
			if slices.Contains(rd.Alerts, name) {
				return true
			}
			for _, q := range rd.Queries {
				if strings.Contains(q, name) {
					return true
				}
			}
		}
	}
	return false
}

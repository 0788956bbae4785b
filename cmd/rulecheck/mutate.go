package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/mutation"
)

const mutateUsage = `Usage: rulecheck mutate [flags] [FILE or DIR ...]

Mutation testing: for each rule the test files load, makes small changes
(mutants: a threshold nudged, a for halved, a matcher dropped) and reruns
the test files that load the rule. A mutant is killed when some test fails
on it and survives when all pass: a survivor is a change the tests cannot
tell from the rule as written. The tests must pass on the rules as written.
With no arguments it mutates what the test files under fixtures/ load.

Exit status: 0, or 1 when the score is below --min-score, 2 on bad input or
when the tests fail without mutation.

Examples:
  rulecheck mutate                          # the rules fixtures/ loads
  rulecheck mutate --list                   # the operators, with examples
  rulecheck mutate --rules 'AgentDown' --operators for,threshold fixtures/
  rulecheck mutate --format sarif fixtures/ > mutants.sarif
  rulecheck mutate --min-score 90
  rulecheck mutate --shard 1/2 --format json > 1.json   # on each runner ...
  rulecheck mutate --merge --min-score 90 1.json 2.json  # ... then one gate

Flags:
`

// mutateFlags are the flags and arguments of "rulecheck mutate".
type mutateFlags struct {
	list                 bool
	format, rules, ops   string
	shard, catalogPath   string
	minScore             float64
	workers              int
	features             multiFlag
	ignoreUnknown, merge bool
	allKillers           bool
	paths                []string
}

func runMutate(args []string, stdout, stderr io.Writer) int {
	mf, code, ok := parseMutateFlags(args, stderr)
	if !ok {
		return code
	}
	return mf.run(stdout, stderr)
}

func parseMutateFlags(args []string, stderr io.Writer) (mf *mutateFlags, code int, ok bool) {
	mf = &mutateFlags{}
	fs := flag.NewFlagSet("mutate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&mf.list, "list", false, "list the mutation operators with an example each, and exit")
	fs.StringVar(&mf.format, "format", "text", "output format: "+strings.Join(mutation.Formats, ", "))
	fs.StringVar(&mf.rules, "rules", "", "mutate only the rules whose alert or record name matches this regular expression")
	fs.StringVar(&mf.ops, "operators", "", "comma-separated operators to apply (default: all; see --list)")
	fs.StringVar(&mf.shard, "shard", "", "run only shard `K/N` of the mutants (a deterministic split, for a CI matrix)")
	fs.Float64Var(&mf.minScore, "min-score", 0, "exit 1 when the mutation score (percent of mutants killed) is below `PCT`")
	fs.IntVar(&mf.workers, "workers", 0, "mutants run at once (default: the number of cores)")
	fs.Var(&mf.features, "enable-feature", "PromQL feature to enable, as for rulecheck test (repeatable)")
	fs.BoolVar(&mf.allKillers, "all-killers", false, "run every test file on a killed mutant, so that the JSON killed_by lists every failing test group (default: those of the first failing file; same verdicts, faster)")
	fs.BoolVar(&mf.merge, "merge", false, "combine the JSON reports of the shards of one run (the arguments) into its report and gate")
	fs.BoolVar(&mf.ignoreUnknown, "ignore-unknown-fields", false, "accept unknown fields in rule files")
	fs.StringVar(&mf.catalogPath, "catalog", "auto", "metric catalog, as for rulecheck test")
	fs.Usage = func() {
		fmt.Fprint(stderr, mutateUsage)
		fs.PrintDefaults()
	}
	mf.paths, code, ok = parseCommandArgs(fs, args, stderr)
	if !ok {
		return nil, code, false
	}
	if len(mf.paths) == 0 {
		mf.paths = []string{"fixtures"}
	}
	return mf, exitOK, true
}

// config checks the flags and turns them into the mutation run's
// configuration.
func (mf *mutateFlags) config() (mutation.Config, error) {
	cfg := mutation.Config{Workers: mf.workers, AllKillers: mf.allKillers}
	if !slices.Contains(mutation.Formats, mf.format) {
		return cfg, fmt.Errorf("--format %q: expected %s", mf.format, strings.Join(mutation.Formats, ", "))
	}
	if mf.minScore < 0 || mf.minScore > 100 {
		return cfg, fmt.Errorf("--min-score %v: expected a percentage from 0 to 100", mf.minScore)
	}
	if mf.workers < 0 {
		return cfg, errors.New("--workers: must not be negative")
	}
	if mf.rules != "" {
		re, err := regexp.Compile(mf.rules)
		if err != nil {
			return cfg, fmt.Errorf("--rules %q: %v", mf.rules, err)
		}
		cfg.Rules = re
	}
	if mf.ops != "" {
		ops, unknown := mutation.Select(strings.Split(mf.ops, ","))
		if len(unknown) > 0 {
			return cfg, fmt.Errorf("--operators: unknown operator %q (rulecheck mutate --list)", unknown[0])
		}
		cfg.Operators = ops
	}
	shard, err := parseShard(mf.shard)
	if err != nil {
		return cfg, err
	}
	cfg.Shard = shard
	opts := harness.Options{IgnoreUnknownFields: mf.ignoreUnknown}
	if err := testCatalog(&opts, mf.catalogPath); err != nil {
		return cfg, fmt.Errorf("--catalog: %v", err)
	}
	if err := applyFeatures(&opts, mf.features); err != nil {
		return cfg, err
	}
	cfg.Options = opts
	return cfg, nil
}

// parseShard reads K/N (1 <= K <= N); "" is the whole run.
func parseShard(s string) (mutation.Shard, error) {
	if s == "" {
		return mutation.Shard{}, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return mutation.Shard{}, fmt.Errorf("--shard %q: expected K/N with 1 <= K <= N", s)
	}
	return mutation.Shard{K: k, Of: n}, nil
}

func (mf *mutateFlags) run(stdout, stderr io.Writer) int {
	if mf.list {
		if err := mutation.WriteOperators(stdout); err != nil {
			return exitBadInput
		}
		return exitOK
	}
	cfg, err := mf.config()
	if err != nil {
		fmt.Fprintf(stderr, "rulecheck mutate: %v\n", errText(err))
		return exitBadInput
	}
	files, err := mf.inputs()
	if err != nil {
		fmt.Fprintf(stderr, "rulecheck mutate: %v\n", errText(err))
		return exitBadInput
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "rulecheck mutate: no test files or reports found in %s\n", strings.Join(mf.paths, ", "))
		return exitBadInput
	}
	rep, err := mf.report(files, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "rulecheck mutate: %v\n", errText(err))
		return exitBadInput
	}
	if err := mutation.Write(stdout, mf.format, rep); err != nil {
		fmt.Fprintf(stderr, "rulecheck mutate: %v\n", errText(err))
		return exitBadInput
	}
	if mf.minScore > 0 && rep.Score() < mf.minScore {
		fmt.Fprintf(stderr, "rulecheck mutate: score %.1f%% is below --min-score %g%%: %d mutants survive\n", rep.Score(), mf.minScore, len(rep.Survivors()))
		return exitFailed
	}
	return exitOK
}

// inputs are the test files to mutate, or with --merge the reports.
func (mf *mutateFlags) inputs() ([]string, error) {
	if mf.merge {
		return mf.paths, nil
	}
	return fixture.Find(mf.paths)
}

// report runs the mutants, or with --merge combines shard reports.
func (mf *mutateFlags) report(files []string, cfg mutation.Config) (*mutation.Report, error) {
	if !mf.merge {
		tuneGCForReplay()
		return mutation.Run(files, cfg)
	}
	var reps []*mutation.Report
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		rep, err := mutation.ReadReport(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: not a rulecheck mutate JSON report: %v", p, err)
		}
		reps = append(reps, rep)
	}
	return mutation.Merge(reps)
}

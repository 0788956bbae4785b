package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/codevaldcortex/rulecheck/coverage"
	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/internal/outfile"
	"github.com/codevaldcortex/rulecheck/internal/projectconfig"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
)

// coverageFlags are the rule coverage flags of "rulecheck test".
type coverageFlags struct {
	show           bool
	outPath, outFm string
	min            float64
	rulesDirs      multiFlag
	out            *outfile.File
	// rep is the computed coverage, for the HTML report.
	rep *coverage.Report
}

func (cf *coverageFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&cf.show, "coverage", false, "after the results, print rule coverage per rule file: alerting rules fired and silent, recording rules read, and the uncovered rules with their file:line")
	fs.StringVar(&cf.outPath, "coverage-out", "", "write rule coverage to `FILE`, in --coverage-format")
	fs.StringVar(&cf.outFm, "coverage-format", "json", "format of --coverage-out: json, lcov or cobertura")
	fs.Float64Var(&cf.min, "min-coverage", 0, "exit 1, listing the uncovered rules, when less than `PCT` percent of the rules are covered")
	fs.Var(&cf.rulesDirs, "rules-dir", "rule file or directory to report coverage on besides those the tests load, so that rule files no test loads show 0% (repeatable; default: the rules: list of .rulecheck.yaml)")
}

// wanted reports whether coverage is asked for.
func (cf *coverageFlags) wanted() bool {
	return cf.show || cf.outPath != "" || cf.min > 0 || len(cf.rulesDirs) > 0
}

func (cf *coverageFlags) check() error {
	if !slices.Contains([]string{"json", "lcov", "cobertura"}, cf.outFm) {
		return fmt.Errorf("--coverage-format %q: expected json, lcov or cobertura", cf.outFm)
	}
	if cf.min < 0 || cf.min > 100 {
		return fmt.Errorf("--min-coverage %g: expected a percentage from 0 to 100", cf.min)
	}
	return nil
}

// open opens --coverage-out before the run, as --junit is, so that an
// unwritable path fails at once.
func (cf *coverageFlags) open(inputs []string) error {
	if cf.outPath == "" {
		return nil
	}
	f, err := outfile.Open(cf.outPath, inputs)
	if err != nil {
		return fmt.Errorf("--coverage-out: %v", err)
	}
	cf.out = f
	return nil
}

// ruleFiles are the rule files to report on besides those the tests load:
// --rules-dir, or else the rules: lists of the configurations governing
// the test files.
func (cf *coverageFlags) ruleFiles(testFiles []string) ([]string, error) {
	paths := slices.Clone([]string(cf.rulesDirs))
	if len(paths) == 0 {
		var finder projectconfig.Finder
		for _, f := range testFiles {
			p, err := finder.For(f)
			if err != nil {
				return nil, err
			}
			for _, r := range p.Rules {
				if !slices.Contains(paths, r) {
					paths = append(paths, r)
				}
			}
		}
	}
	if len(paths) == 0 {
		return nil, nil
	}
	return coverage.FindRuleFiles(paths)
}

// report computes coverage, prints the table (on table when --coverage),
// writes --coverage-out and applies --min-coverage; it returns the exit
// code coverage asks for.
func (cf *coverageFlags) report(results []*harness.FileResult, testFiles []string, opts harness.Options, table, stderr io.Writer) int {
	rules, err := cf.ruleFiles(testFiles)
	if err != nil {
		fmt.Fprintf(stderr, "rulecheck: coverage: %v\n", errText(err))
		return exitBadInput
	}
	rep, err := coverage.Compute(results, coverage.Options{RuleFiles: rules, Parser: promqlparser.New(opts.ParserOptions), IgnoreUnknownFields: opts.IgnoreUnknownFields})
	if err != nil {
		fmt.Fprintf(stderr, "rulecheck: coverage: %v\n", errText(err))
		return exitBadInput
	}
	cf.rep = rep
	if cf.show {
		fmt.Fprintln(table)
		if err := coverage.WriteText(table, rep); err != nil {
			fmt.Fprintf(stderr, "rulecheck: %v\n", errText(err))
			return exitBadInput
		}
	}
	if cf.out != nil {
		if err := cf.write(rep); err != nil {
			fmt.Fprintf(stderr, "rulecheck: --coverage-out: %v\n", errText(err))
			return exitBadInput
		}
	}
	if total := rep.Total(); total.Percent() < cf.min {
		fmt.Fprintf(stderr, "rulecheck: rule coverage %.1f%% (%d of %d rules) is below --min-coverage %g%%; uncovered:\n", total.Percent(), total.Covered, total.Rules, cf.min)
		for _, r := range rep.Uncovered() {
			fmt.Fprintf(stderr, "  %s:%d: %s %s: %s\n", r.File, r.Line, r.Kind, r.Name, r.Missing())
		}
		return exitFailed
	}
	return exitOK
}

func (cf *coverageFlags) write(rep *coverage.Report) error {
	var err error
	switch cf.outFm {
	case "lcov":
		err = coverage.WriteLCOV(cf.out, rep)
	case "cobertura":
		err = coverage.WriteCobertura(cf.out, rep, time.Now().Unix())
	default:
		err = coverage.WriteJSON(cf.out, rep)
	}
	if err != nil {
		return err
	}
	return cf.out.Commit()
}

// Command vspromtool runs the generated benchmark suite through promtool and
// rulecheck alternately, checks that their JUnit verdicts are identical, and
// prints each tool's median wall time, CPU time and peak RSS, and the ratios.
//
//	go run ./internal/benchgen/vspromtool -promtool PATH -rulecheck PATH [-scale 1] [-rounds 5]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/codevaldcortex/rulecheck/internal/benchgen/suite"
	"github.com/codevaldcortex/rulecheck/internal/report"
)

type measurement struct {
	wall, cpu time.Duration
	rssKB     int64
}

func main() {
	promtool := flag.String("promtool", "", "promtool binary (required)")
	rulecheck := flag.String("rulecheck", "", "rulecheck binary (required)")
	scale := flag.Int("scale", 1, "suite scale (rules, steps and series)")
	rulesK := flag.Int("rules", 0, "scale only the rules (overrides -scale for rules)")
	stepsK := flag.Int("steps", 0, "scale only the steps")
	seriesK := flag.Int("series", 0, "scale only the series")
	skipPromtool := flag.Bool("skip-promtool", false, "measure rulecheck only")
	rounds := flag.Int("rounds", 5, "runs of each tool")
	dir := flag.String("dir", "", "suite directory (default: a new temporary directory)")
	flag.Parse()
	if (*promtool == "" && !*skipPromtool) || *rulecheck == "" {
		fmt.Fprintln(os.Stderr, "vspromtool: -promtool and -rulecheck are required")
		os.Exit(2)
	}
	or := func(v int) int {
		if v == 0 {
			return *scale
		}
		return v
	}
	cfg := suite.Axes(or(*rulesK), or(*stepsK), or(*seriesK))
	label := fmt.Sprintf("rules x%d, steps x%d, series x%d", or(*rulesK), or(*stepsK), or(*seriesK))
	if *skipPromtool {
		*promtool = ""
	}
	if err := run(*promtool, *rulecheck, cfg, label, *rounds, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "vspromtool:", err)
		os.Exit(1)
	}
}

func run(promtool, rulecheck string, cfg suite.Config, label string, rounds int, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "rulecheck-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	files, err := suite.Generate(dir, cfg)
	if err != nil {
		return err
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	rc, err := filepath.Abs(rulecheck)
	if err != nil {
		return err
	}
	var ptRuns, rcRuns []measurement
	var ptVerdicts, rcVerdicts map[string]string
	for range rounds {
		if promtool != "" {
			pt, err := filepath.Abs(promtool)
			if err != nil {
				return err
			}
			m, v, err := measure(dir, pt, append([]string{"test", "rules", "--junit=promtool.xml"}, names...), "promtool.xml")
			if err != nil {
				return fmt.Errorf("promtool: %w", err)
			}
			ptRuns, ptVerdicts = append(ptRuns, m), v
		}
		m, v, err := measure(dir, rc, append([]string{"test", "--junit=rulecheck.xml"}, names...), "rulecheck.xml")
		if err != nil {
			return fmt.Errorf("rulecheck: %w", err)
		}
		rcRuns, rcVerdicts = append(rcRuns, m), v
	}
	if promtool == "" {
		r := median(rcRuns)
		failed := 0
		for _, v := range rcVerdicts {
			if v == "fail" {
				failed++
			}
		}
		fmt.Printf("suite: %s; %d files, %d test groups, %d failed\n", label, len(files), len(rcVerdicts), failed)
		fmt.Printf("%-10s %12s %12s %9d MB\n", "rulecheck", r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), r.rssKB/1024)
		return nil
	}
	same := len(ptVerdicts) == len(rcVerdicts)
	for k, v := range ptVerdicts {
		if rcVerdicts[k] != v {
			same = false
			fmt.Printf("verdicts differ: %s: promtool %s, rulecheck %s\n", k, v, rcVerdicts[k])
		}
	}
	p, r := median(ptRuns), median(rcRuns)
	fmt.Printf("suite: %s; %d files, %d test groups; verdicts identical: %v\n", label, len(files), len(ptVerdicts), same)
	fmt.Printf("%-10s %12s %12s %12s\n", "tool", "wall", "cpu", "peak RSS")
	fmt.Printf("%-10s %12s %12s %9d MB\n", "promtool", p.wall.Round(time.Millisecond), p.cpu.Round(time.Millisecond), p.rssKB/1024)
	fmt.Printf("%-10s %12s %12s %9d MB\n", "rulecheck", r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), r.rssKB/1024)
	fmt.Printf("%-10s %11.1fx %11.1fx %11.2fx\n", "ratio", float64(p.wall)/float64(r.wall), float64(p.cpu)/float64(r.cpu), float64(p.rssKB)/float64(r.rssKB))
	if !same {
		return fmt.Errorf("verdicts differ")
	}
	return nil
}

// measure runs a tool once and reads its JUnit report.
func measure(dir, bin string, args []string, reportFile string) (measurement, map[string]string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		return measurement{}, nil, err
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	m := measurement{
		wall:  wall,
		cpu:   time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		rssKB: ru.Maxrss,
	}
	b, err := os.ReadFile(filepath.Join(dir, reportFile))
	if err != nil {
		return m, nil, err
	}
	suites, err := report.ReadJUnit(b)
	if err != nil {
		return m, nil, err
	}
	v := map[string]string{}
	for _, s := range suites {
		for name, verdict := range s.Cases {
			v[s.Name+" / "+name] = verdict
		}
	}
	return m, v, nil
}

func median(ms []measurement) measurement {
	pick := func(f func(measurement) int64) int64 {
		vs := make([]int64, len(ms))
		for i, m := range ms {
			vs[i] = f(m)
		}
		slices.Sort(vs)
		return vs[len(vs)/2]
	}
	return measurement{
		wall:  time.Duration(pick(func(m measurement) int64 { return int64(m.wall) })),
		cpu:   time.Duration(pick(func(m measurement) int64 { return int64(m.cpu) })),
		rssKB: pick(func(m measurement) int64 { return m.rssKB }),
	}
}

package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/routecheck"
	"github.com/codevaldcortex/rulecheck/routing"
)

const routesUsage = `Usage: rulecheck routes --alertmanager FILE [flags] RULE_FILE or DIR ...

For every alerting rule: the labels it can produce (alertname and its
literal labels with their values, and the labels its expression keeps, from
the lint's label analysis), the receivers Alertmanager routes it to (by
Alertmanager's own route matching, following continue) and the inhibit
rules that could silence it. Then what can never work: alerts that reach
only the root (catch-all) receiver, inhibit rules whose source or target no
rule can produce, and inhibit rules whose equal labels one side never
carries. The Alertmanager configuration is a plain alertmanager.yml or a
Kubernetes Secret holding alertmanager.yaml.

Exit status: 0 when nothing is found, 1 when something is, 2 on bad usage or
unreadable input.

Flags:
`

// routesFlags are the flags and arguments of "rulecheck routes".
type routesFlags struct {
	alertmanager, configPath string
	paths                    []string
}

func runRoutes(args []string, stdout, stderr io.Writer) int {
	rf, code, ok := parseRoutesFlags(args, stderr)
	if !ok {
		return code
	}
	return rf.run(stdout, stderr)
}

func parseRoutesFlags(args []string, stderr io.Writer) (rf *routesFlags, code int, ok bool) {
	rf = &routesFlags{}
	fs := flag.NewFlagSet("routes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&rf.alertmanager, "alertmanager", "", "Alertmanager configuration `FILE` (required)")
	fs.StringVar(&rf.configPath, "config", "", "read configuration (the metric catalog) from `FILE` (default: the "+lint.DefaultConfigFile+" found from the paths upward)")
	fs.Usage = func() {
		fmt.Fprint(stderr, routesUsage)
		fs.PrintDefaults()
	}
	rf.paths, code, ok = parseCommandArgs(fs, args, stderr)
	if !ok {
		return nil, code, false
	}
	if rf.alertmanager == "" || len(rf.paths) == 0 {
		fmt.Fprintln(stderr, "rulecheck routes: give --alertmanager FILE and at least one rule file (rulecheck routes -h)")
		return nil, exitBadInput, false
	}
	return rf, exitOK, true
}

func (rf *routesFlags) run(stdout, stderr io.Writer) int {
	bad := func(err error) int {
		fmt.Fprintf(stderr, "rulecheck: %v\n", errText(err))
		return exitBadInput
	}
	am, err := routing.Load(rf.alertmanager)
	if err != nil {
		return bad(err)
	}
	proj, err := lintProject(rf.configPath, rf.paths)
	if err != nil {
		return bad(err)
	}
	res, err := lint.Run(rf.paths, lint.Options{Config: proj.Config, Catalog: proj.Catalog})
	if err != nil {
		return bad(err)
	}
	for _, f := range res.Files {
		for _, le := range f.LoadErrors {
			return bad(fmt.Errorf("%s:%d:%d: %s", f.Path, le.Line, le.Column, le.Msg))
		}
	}
	alerts := routecheck.FromProject(res.Project)
	if len(alerts) == 0 {
		return bad(fmt.Errorf("no alerting rules in %s", strings.Join(rf.paths, ", ")))
	}
	rep := routecheck.Analyze(am, alerts)
	writeRoutes(stdout, am, rep)
	if len(rep.Findings) > 0 {
		return exitFailed
	}
	return exitOK
}

func writeRoutes(w io.Writer, am *routing.Config, rep routecheck.Report) {
	for _, r := range rep.Alerts {
		fmt.Fprintf(w, "%s  %s\n", r.Pos, r.Name)
		fmt.Fprintf(w, "  labels:     %s\n", alertLabels(r.Alert))
		for _, rt := range r.Routes {
			gb := strings.Join(rt.GroupBy, ", ")
			if rt.GroupByAll {
				gb = "..."
			}
			what := "route"
			if rt.Root {
				what = "root route"
			}
			fmt.Fprintf(w, "  receiver:   %s (%s at %s:%d, group_by [%s])\n", rt.Receiver, what, am.File, rt.Line, gb)
		}
		if len(r.DependsOn) > 0 {
			fmt.Fprintf(w, "  note:       routes read %s, whose values the rule does not fix: shown as if absent\n", strings.Join(r.DependsOn, ", "))
		}
		for _, in := range r.Inhibitors {
			fmt.Fprintf(w, "  inhibited:  by %s (inhibit rule at %s:%d)\n", strings.Join(in.Sources, ", "), am.File, in.Line)
		}
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintf(w, "\n%d alerting rules: every alert reaches a route, every inhibit rule can match\n", len(rep.Alerts))
		return
	}
	fmt.Fprintln(w)
	for _, f := range rep.Findings {
		fmt.Fprintf(w, "%s: %s\n", f.Range, f.Message)
	}
	fmt.Fprintf(w, "\n%d alerting rules, %d findings\n", len(rep.Alerts), len(rep.Findings))
}

func alertLabels(a routecheck.Alert) string {
	var parts []string
	for k, v := range a.Values {
		if k != "alertname" {
			parts = append(parts, fmt.Sprintf("%s=%q", k, v))
		}
	}
	for k := range a.Carried {
		parts = append(parts, k)
	}
	sort.Strings(parts)
	if a.Open {
		parts = append(parts, "...")
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

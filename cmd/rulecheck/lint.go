package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/lint/checks"
	"github.com/codevaldcortex/rulecheck/internal/outfile"
	"github.com/codevaldcortex/rulecheck/internal/projectconfig"
)

const lintUsage = `Usage: rulecheck lint [flags] [FILE or DIR ...]

Checks rule files, PrometheusRule resources and the PromQL of Grafana
dashboards, offline, against a metric catalog. With no arguments it checks
rules/. A directory is searched for *.yaml, *.yml and *.json files; files
that are neither rule files, PrometheusRules, dashboards nor Prometheus
resources (a catalog, a test file, other Kubernetes objects) are skipped.
Prometheus resources among the files (or given with --prometheus) are used
to check that each PrometheusRule would be loaded.

Configuration is read from the .rulecheck.yaml found from the linted
paths' directory upward to the repository root (or --config): the catalog
path, required labels and annotations, allowed severities and per-check
severities ("off" disables a check). Without one, only what is wrong for
everybody is reported. The catalog is the one the configuration or
--catalog names.
A finding is suppressed by "# rulecheck:ignore CHECK-ID reason" on a rule
(on the line above it or on its alert or record line), or for a whole file
by "# rulecheck:ignore-file CHECK-ID reason".

Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 on
bad usage or unreadable input.

Examples:
  rulecheck lint                                  # rules/
  rulecheck lint rules/ dashboards/ deploy/
  rulecheck lint --prometheus deploy/prometheus.yaml rules/
  rulecheck lint --format sarif -o lint.sarif rules/
  rulecheck lint --list

Flags:
`

// lintFlags are the flags and arguments of "rulecheck lint" (and of
// "rulecheck check rules", which runs only the syntax checks).
type lintFlags struct {
	configPath, catalogPath, format, failOn, color, output string
	prometheus                                             multiFlag
	list, ignoreUnknown                                    bool
	syntaxOnly                                             bool
	paths                                                  []string
}

func runLint(args []string, stdout, stderr io.Writer) int {
	lf, code, ok := parseLintFlags("lint", args, stdout, stderr)
	if !ok {
		return code
	}
	return lf.run(stdout, stderr)
}

// parseLintFlags reads the command line; ok is false when the command is
// done (help, --list, or bad usage: code says which).
func parseLintFlags(name string, args []string, stdout, stderr io.Writer) (lf *lintFlags, code int, ok bool) {
	lf = &lintFlags{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&lf.configPath, "config", "", "read configuration from `FILE` (default: the "+lint.DefaultConfigFile+" found from the linted paths upward to the repository root)")
	fs.StringVar(&lf.catalogPath, "catalog", "", "metric catalog `FILE` (default: the one the configuration names)")
	fs.Var(&lf.prometheus, "prometheus", "read the operator's Prometheus resources from `FILE`, to check that PrometheusRules are selected (repeatable)")
	fs.StringVar(&lf.format, "format", "text", "output format: "+strings.Join(lint.Formats, ", "))
	fs.StringVar(&lf.failOn, "fail-on", "error", "exit 1 when a finding is at least this severe: error, warning or info")
	fs.StringVar(&lf.color, "color", "auto", "colour text output: auto (on a terminal, unless NO_COLOR is set), always or never")
	fs.StringVar(&lf.output, "o", "", "write the report to `FILE` instead of standard output")
	fs.BoolVar(&lf.list, "list", false, "list every check with its documentation and exit")
	fs.BoolVar(&lf.ignoreUnknown, "ignore-unknown-fields", false, "accept unknown fields in rule files")
	fs.Usage = func() {
		fmt.Fprint(stderr, lintUsage)
		fs.PrintDefaults()
	}
	lf.paths, code, ok = parseCommandArgs(fs, args, stderr)
	if !ok {
		return nil, code, false
	}
	if lf.list {
		listChecks(stdout, checks.All())
		return nil, exitOK, false
	}
	if len(lf.paths) == 0 {
		lf.paths = []string{"rules"}
	}
	return lf, exitOK, true
}

// checks returns the checks the command runs.
func (lf *lintFlags) checks() []*lint.Check {
	all := checks.All()
	if !lf.syntaxOnly {
		return all
	}
	var syntax []*lint.Check
	for _, c := range all {
		if strings.HasPrefix(c.ID, "syntax/") {
			syntax = append(syntax, c)
		}
	}
	return syntax
}

// run lints the paths and reports.
func (lf *lintFlags) run(stdout, stderr io.Writer) int {
	format, color, output, paths := lf.format, lf.color, lf.output, lf.paths
	catalogPath := lf.catalogPath
	all := lf.checks()
	bad := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "rulecheck: "+format+"\n", safeArgs(args)...)
		return exitBadInput
	}
	failSev, err := lint.ParseSeverity(lf.failOn)
	if err != nil || failSev == 0 {
		return bad("--fail-on %q: expected error, warning or info", lf.failOn)
	}
	if !lintKnownFormat(format) {
		return bad("--format %q: expected one of %s", format, strings.Join(lint.Formats, ", "))
	}
	if color != "auto" && color != "always" && color != "never" {
		return bad("--color %q: expected auto, always or never", color)
	}

	proj, err := lintProject(lf.configPath, paths)
	if err != nil {
		return bad("%v", err)
	}
	cfg := proj.Config
	if err := cfg.ValidateChecks(checks.All()); err != nil {
		return bad("%s: %v", proj.ConfigPath, err)
	}
	cat := proj.Catalog
	if catalogPath != "" {
		if cat, err = catalog.Load(catalogPath); err != nil {
			return bad("catalog: %v", err)
		}
	}
	if cat == nil && !lf.syntaxOnly {
		fmt.Fprintf(stderr, "rulecheck: no metric catalog (name one with catalog: in %s, or --catalog): the checks that need one are skipped\n", lint.DefaultConfigFile)
	}
	promFiles := []string(lf.prometheus)
	for _, p := range cfg.Prometheus {
		promFiles = append(promFiles, projectconfig.Resolve(proj.ConfigPath, p))
	}

	var file *outfile.File
	if output != "" {
		inputs, _, err := lint.FindFiles(paths)
		if err != nil {
			return bad("%v", err)
		}
		inputs = append(inputs, promFiles...)
		inputs = append(inputs, proj.ConfigPath, catalogPath, proj.CatalogPath)
		if file, err = outfile.Open(output, inputs); err != nil {
			return bad("-o: %v", err)
		}
		defer abortReport(file, stderr)
	}
	res, err := lint.Run(paths, lint.Options{
		Checks:              all,
		Config:              cfg,
		Catalog:             cat,
		PrometheusFiles:     promFiles,
		IgnoreUnknownFields: lf.ignoreUnknown,
	})
	if err != nil {
		return bad("%v", err)
	}
	if len(res.Files) == 0 {
		return bad("no rule files, dashboards or Prometheus resources found in %s", strings.Join(paths, ", "))
	}

	var out io.Writer = stdout
	if file != nil {
		out = file
	}
	opts := lint.OutputOptions{FailOn: failSev, Version: buildVersion()}
	switch color {
	case "always":
		opts.Color = true
	case "auto":
		opts.Color = file == nil && isCharDevice(stdout) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	}
	if err := lint.Write(out, format, res, opts); err != nil {
		return bad("%v", err)
	}
	if file != nil {
		if err := file.Commit(); err != nil {
			return bad("-o: %v; no report written", err)
		}
	}
	if lint.AtLeast(res.Findings, failSev) {
		return exitFailed
	}
	return exitOK
}

// lintProject returns the configuration of the linted paths: the file
// --config names, else the one that governs them all (found from each
// path upward to the repository root). Paths governed by different
// configurations are linted in separate runs.
func lintProject(configPath string, paths []string) (*projectconfig.Project, error) {
	if configPath != "" {
		return projectconfig.Load(configPath)
	}
	var finder projectconfig.Finder
	var first *projectconfig.Project
	for _, p := range paths {
		proj, err := finder.For(p)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = proj
			continue
		}
		if proj != first {
			return nil, fmt.Errorf("%s and %s are governed by different configurations (%s, %s): lint them in separate runs, or name one with --config", paths[0], p, configName(first.ConfigPath), configName(proj.ConfigPath))
		}
	}
	return first, nil
}

func configName(path string) string {
	if path == "" {
		return "none"
	}
	return path
}

// isCharDevice tells whether w is a character device, such as a terminal.
func isCharDevice(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func lintKnownFormat(s string) bool {
	for _, x := range lint.Formats {
		if x == s {
			return true
		}
	}
	return false
}

// listChecks prints every check with its severity and documentation.
func listChecks(w io.Writer, all []*lint.Check) {
	for i, c := range all {
		if i > 0 {
			fmt.Fprintln(w)
		}
		extra := ""
		if c.NeedsCatalog {
			extra = ", needs a catalog"
		}
		fmt.Fprintf(w, "%s (%s%s)\n", c.ID, c.Severity, extra)
		for _, l := range lint.WrapText(c.Doc, 76) {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}

package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
	"github.com/codevaldcortex/rulecheck/position"
	"github.com/codevaldcortex/rulecheck/routing"
)

// Project is everything linted in one run.
type Project struct {
	Files   []*File
	Catalog *catalog.Catalog
	Config  *Config
	// Prometheuses are the operator's Prometheus resources given, from
	// linted files and --prometheus.
	Prometheuses []*Prometheus
	Parser       parser.Parser

	// Alertmanager is the Alertmanager configuration the configuration
	// names, nil without one.
	Alertmanager *routing.Config

	recorded map[string][]*Rule
	shared   sharedStore
	// types memoises the value type of binary expressions (TypeOf).
	types sync.Map
}

// Rules returns every rule of every file, in file order.
func (p *Project) Rules() []*Rule {
	var out []*Rule
	for _, f := range p.Files {
		for _, g := range f.Groups {
			out = append(out, g.Rules...)
		}
	}
	return out
}

// Recorded returns the recording rules that write a metric name.
func (p *Project) Recorded(name string) []*Rule { return p.recorded[name] }

// GroupInterval is how often a group is evaluated: its own interval, else
// the evaluation interval of the Prometheus resources given (the longest),
// else the configured global evaluation interval, else Prometheus's default.
func (p *Project) GroupInterval(g *Group) (time.Duration, string) {
	if d, from := p.KnownGroupInterval(g); d > 0 {
		return d, from
	}
	return time.Minute, "Prometheus's default evaluation interval"
}

// KnownGroupInterval is the group's interval as far as the files and the
// configuration say (see GroupInterval), 0 when they do not.
func (p *Project) KnownGroupInterval(g *Group) (time.Duration, string) {
	if g.Interval > 0 {
		return g.Interval, "the group's interval"
	}
	var longest time.Duration
	var from string
	for _, pr := range p.Prometheuses {
		if d := pr.EvaluationInterval(); d > longest {
			longest, from = d, "the evaluation interval of Prometheus "+pr.Key()
		}
	}
	if longest > 0 {
		return longest, from
	}
	if p.Config != nil && p.Config.EvaluationInterval > 0 {
		return time.Duration(p.Config.EvaluationInterval), "the global evaluation interval"
	}
	return 0, ""
}

// Options configure a run.
type Options struct {
	// Checks to run; see checks.All.
	Checks []*Check
	// Config; nil means DefaultConfig.
	Config *Config
	// Catalog; nil disables the checks that need one.
	Catalog *catalog.Catalog
	// PrometheusFiles are read for Prometheus resources only.
	PrometheusFiles []string
	// Parser parses PromQL; nil means the default parser.
	Parser parser.Parser
	// IgnoreUnknownFields is passed to the rule file loader.
	IgnoreUnknownFields bool
}

// Result is the outcome of a run.
type Result struct {
	Project  *Project
	Files    []*File
	Findings []Finding
	Checks   []*Check
}

// InputError is a file that could not be read or is not lintable: a usage
// error rather than a finding.
type InputError struct {
	Path string
	Err  error
}

func (e *InputError) Error() string {
	var re *rulefile.Error
	if errors.As(e.Err, &re) {
		return re.Error()
	}
	var ae *routing.Error
	if errors.As(e.Err, &ae) {
		return ae.Error()
	}
	return e.Path + ": " + e.Err.Error()
}

func (e *InputError) Unwrap() error { return e.Err }

// FindFiles expands directories into the lintable files under them
// (*.yaml, *.yml and *.json, skipping hidden directories), sorted. Named
// files are kept as they are.
func FindFiles(paths []string) ([]string, map[string]bool, error) {
	var out []string
	explicit := map[string]bool{}
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, &InputError{Path: p, Err: errors.New("no such file or directory")}
		}
		if !st.IsDir() {
			explicit[p] = true
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Name() == DefaultConfigFile {
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, &InputError{Path: p, Err: err}
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	return out, explicit, nil
}

// Run lints the files and directories in paths.
func Run(paths []string, opts Options) (*Result, error) {
	cfg := opts.Config
	if cfg == nil {
		cfg = DefaultConfig()
	}
	pp := opts.Parser
	if pp == nil {
		pp = promqlparser.New(parser.Options{})
	}
	lo := LoadOptions{Parser: pp, Rulefile: rulefile.Options{Parser: pp, IgnoreUnknownFields: opts.IgnoreUnknownFields}}
	files, explicit, err := FindFiles(paths)
	if err != nil {
		return nil, err
	}
	proj := &Project{Catalog: opts.Catalog, Config: cfg, Parser: pp, recorded: map[string][]*Rule{}}
	if cfg.Alertmanager != "" {
		path := cfg.Alertmanager
		if !filepath.IsAbs(path) && cfg.Path != "" {
			path = filepath.Join(filepath.Dir(cfg.Path), path)
		}
		am, err := routing.Load(path)
		if err != nil {
			return nil, &InputError{Path: path, Err: err}
		}
		proj.Alertmanager = am
	}
	for _, path := range files {
		f, err := LoadFile(path, lo)
		if errors.Is(err, ErrNotLintable) && !explicit[path] {
			continue
		}
		if err != nil {
			return nil, &InputError{Path: path, Err: err}
		}
		proj.Files = append(proj.Files, f)
		proj.Prometheuses = append(proj.Prometheuses, f.Prometheuses...)
	}
	for _, path := range opts.PrometheusFiles {
		if slices.ContainsFunc(proj.Files, func(f *File) bool { return f.Path == path }) {
			continue
		}
		f, err := LoadFile(path, lo)
		if err != nil {
			return nil, &InputError{Path: path, Err: err}
		}
		if len(f.Prometheuses) == 0 {
			return nil, &InputError{Path: path, Err: errors.New("holds no Prometheus resource (kind: Prometheus)")}
		}
		if len(f.LoadErrors) > 0 {
			return nil, &InputError{Path: path, Err: fmt.Errorf("%d:%d: %s", f.LoadErrors[0].Line, f.LoadErrors[0].Column, f.LoadErrors[0].Msg)}
		}
		proj.Prometheuses = append(proj.Prometheuses, f.Prometheuses...)
	}
	for _, r := range proj.Rules() {
		if !r.IsAlert {
			proj.recorded[r.Name] = append(proj.recorded[r.Name], r)
		}
	}
	return RunProject(proj, opts.Checks), nil
}

// RunProject runs checks over a loaded project.
func RunProject(proj *Project, checks []*Check) *Result {
	res := &Result{Project: proj, Files: proj.Files, Checks: checks}
	enabled := map[string]bool{}
	known := map[string]bool{}
	for _, ch := range checks {
		known[ch.ID] = true
	}
	for _, f := range proj.Files {
		var found []Finding
		for _, ch := range checks {
			sev := proj.Config.Severity(ch)
			if sev == 0 || (ch.NeedsCatalog && proj.Catalog == nil) {
				continue
			}
			enabled[ch.ID] = true
			if ch.Run == nil {
				continue
			}
			pass := &Pass{Check: ch, File: f, Project: proj, report: func(fd Finding) {
				if fd.Severity == 0 || fd.Severity > sev {
					fd.Severity = sev
				}
				found = append(found, fd)
			}}
			ch.Run(pass)
		}
		res.Findings = append(res.Findings, applyIgnores(f, found, checks, known, enabled, proj.Config)...)
	}
	SortFindings(res.Findings)
	return res
}

// Framework check IDs: findings the runner makes about ignore comments.
const (
	IgnoreCheckID       = "lint/ignore"
	UnusedIgnoreCheckID = "lint/unused-ignore"
)

// IgnoreCheck reports malformed rulecheck:ignore comments.
var IgnoreCheck = &Check{
	ID:       IgnoreCheckID,
	Severity: Warning,
	Doc: `A rulecheck:ignore comment is malformed: it has no reason, names no known
check, or (for rulecheck:ignore) is neither on a rule's first line, on its
alert or record line, nor in the comment lines directly above it. Write
"# rulecheck:ignore CHECK-ID reason" above a rule, or
"# rulecheck:ignore-file CHECK-ID reason" anywhere in the file; the reason
is for the next reader, who has to decide whether it still holds.`,
	Example: `# rulecheck:ignore promql/raw-counter
- alert: Restarted
  expr: process_start_time_seconds > 0`,
}

// UnusedIgnoreCheck reports rulecheck:ignore comments that suppress nothing.
var UnusedIgnoreCheck = &Check{
	ID:       UnusedIgnoreCheckID,
	Severity: Info,
	Doc: `A rulecheck:ignore comment suppresses no finding: the problem it was
written for has been fixed, or the comment names the wrong check or sits on
the wrong rule. Remove it, so that it does not hide the next real finding.`,
	Example: `# rulecheck:ignore promql/rate-on-gauge not a gauge any more
- alert: HighRequestRate
  expr: rate(http_requests_total[5m]) > 100`,
}

func applyIgnores(f *File, found []Finding, checks []*Check, known, enabled map[string]bool, cfg *Config) []Finding {
	var out []Finding
	matches := func(ig *ignore, fd Finding) bool {
		return ig.Check == fd.Check
	}
	for _, fd := range found {
		suppressed := false
		for _, ig := range f.ignores {
			if !matches(ig, fd) {
				continue
			}
			if ig.File || (fd.rule != nil && ig.Rule == fd.rule) {
				ig.used = true
				suppressed = true
			}
		}
		if !suppressed {
			out = append(out, fd)
		}
	}
	sevOf := func(id string) Severity {
		for _, ch := range checks {
			if ch.ID == id {
				return cfg.Severity(ch)
			}
		}
		return 0
	}
	report := func(id string, ig *ignore, format string, args ...any) {
		if !enabled[id] {
			return
		}
		fd := Finding{Range: position.At(f.Path, ig.Line, ig.Column), Check: id, Severity: sevOf(id), Message: fmt.Sprintf(format, args...)}
		if ig.Rule != nil {
			fd.Rule = ig.Rule.Name
		}
		out = append(out, fd)
	}
	for _, ig := range f.ignores {
		kind := "rulecheck:ignore"
		if ig.File {
			kind = "rulecheck:ignore-file"
		}
		switch {
		case ig.Check == "":
			report(IgnoreCheckID, ig, "%s names no check: write \"# %s CHECK-ID reason\"", kind, kind)
			continue
		case !known[ig.Check]:
			report(IgnoreCheckID, ig, "%s names %q, which is not a check (see rulecheck lint --list)", kind, ig.Check)
			continue
		case !ig.File && ig.Rule == nil:
			report(IgnoreCheckID, ig, "%s %s is not on a rule: put it on the line above the rule or on its alert or record line, or use rulecheck:ignore-file", kind, ig.Check)
			continue
		}
		if ig.Reason == "" {
			report(IgnoreCheckID, ig, "%s %s without a reason: say why the finding does not apply", kind, ig.Check)
		}
		if !ig.used && enabled[ig.Check] {
			what := "this file"
			if ig.Rule != nil {
				what = ig.Rule.Name
			}
			report(UnusedIgnoreCheckID, ig, "%s %s suppresses nothing in %s: remove it", kind, ig.Check, what)
		}
	}
	return out
}

// SortFindings orders findings by file, line, column, check and message.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		return a.Message < b.Message
	})
}

// Count returns the number of findings of each severity.
func Count(fs []Finding) map[Severity]int {
	out := map[Severity]int{}
	for _, f := range fs {
		out[f.Severity]++
	}
	return out
}

// AtLeast tells whether any finding is at least as severe as min.
func AtLeast(fs []Finding, min Severity) bool {
	for _, f := range fs {
		if f.Severity >= min {
			return true
		}
	}
	return false
}

// Package lint checks Prometheus rule files, PrometheusRule resources and
// the PromQL of Grafana dashboards, offline, against a metric catalog.
//
// The framework is modelled on golang.org/x/tools/go/analysis: a Check is a
// value with an ID, a one-paragraph doc, a default severity and a run
// function; Run loads the files, runs every enabled check over every file
// with a Pass, applies the configuration's severities and the files'
// rulecheck:ignore comments, and returns the findings in a stable order.
// The checks themselves live in package lint/checks, one file each.
package lint

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
	"github.com/codevaldcortex/rulecheck/position"
)

// Severity says how bad a finding is.
type Severity int

// Severities, in increasing order.
const (
	Info Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "off"
}

// ParseSeverity reads "error", "warning", "info" or "off" (returned as 0).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info":
		return Info, nil
	case "off", "false", "disabled":
		return 0, nil
	}
	return 0, fmt.Errorf("unknown severity %q: expected error, warning, info or off", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Pos is a 1-based line and column in a file.
type Pos = rulefile.Pos

// Check is one lint check.
type Check struct {
	// ID names the check in findings, configuration and ignore comments:
	// "category/name".
	ID string
	// Doc is one paragraph: what the check finds, why it matters, how to
	// fix it.
	Doc string
	// Example is a snippet of a rule file the check reports on.
	Example string
	// Severity is the default severity of the check's findings.
	Severity Severity
	// NeedsCatalog marks checks that only run with a metric catalog.
	NeedsCatalog bool
	// Run reports the check's findings in one file. Checks whose findings
	// the framework itself produces have a nil Run.
	Run func(*Pass)
}

var idRE = regexp.MustCompile(`^[a-z]+/[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks the check's definition.
func (c *Check) Validate() error {
	switch {
	case !idRE.MatchString(c.ID):
		return fmt.Errorf("check ID %q is not category/kebab-case-name", c.ID)
	case c.Doc == "":
		return fmt.Errorf("check %s has no doc", c.ID)
	case c.Severity < Info || c.Severity > Error:
		return fmt.Errorf("check %s has no default severity", c.ID)
	}
	return nil
}

// Summary is the first sentence of the doc.
func (c *Check) Summary() string {
	d := strings.Join(strings.Fields(c.Doc), " ")
	if i := strings.Index(d, ". "); i >= 0 {
		return d[:i+1]
	}
	return d
}

// Finding is one problem found by a check.
type Finding struct {
	position.Range
	Severity Severity
	Check    string
	Message  string
	// Rule names the alerting or recording rule, or the dashboard panel,
	// the finding is about, if any.
	Rule string

	rule *Rule
}

// findingJSON is a finding as the JSON output writes it: always with a
// line and a column.
type findingJSON struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Severity Severity `json:"severity"`
	Check    string   `json:"check"`
	Message  string   `json:"message"`
	Rule     string   `json:"rule,omitempty"`
}

// MarshalJSON writes the finding with its file, line and column first.
func (f Finding) MarshalJSON() ([]byte, error) {
	return json.Marshal(findingJSON{f.File, f.Line, f.Column, f.Severity, f.Check, f.Message, f.Rule})
}

// Pos returns the finding's position.
func (f Finding) Pos() Pos { return Pos{Line: f.Line, Column: f.Column} }

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s %s: %s", f.File, f.Line, f.Column, f.Severity, f.Check, f.Message)
}

// Pass is what a check's Run gets: one file, and the project around it.
type Pass struct {
	Check   *Check
	File    *File
	Project *Project
	report  func(Finding)
}

// Report reports a finding of the pass's check in the pass's file. The
// framework sets the file and the check, and finds the rule (or dashboard
// panel) the finding is about from its position, so that a
// rulecheck:ignore comment on that rule applies. A check that is less sure
// of one finding than of the others may give it a Severity: the finding is
// reported at that severity or the configured one, whichever is lower.
func (p *Pass) Report(f Finding) {
	f.File, f.Check = p.File.Path, p.Check.ID
	if r := p.File.RuleAt(f.Pos()); r != nil {
		f.rule = r
		if f.Rule == "" {
			f.Rule = r.Name
		}
	} else if e := p.File.exprAt(f.Pos()); e != nil && f.Rule == "" {
		f.Rule = e.Panel
	}
	p.report(f)
}

// Reportf reports a finding at a position of the pass's file.
func (p *Pass) Reportf(pos Pos, format string, args ...any) {
	p.Report(Finding{Range: position.At(p.File.Path, pos.Line, pos.Column), Message: fmt.Sprintf(format, args...)})
}

// Finding makes a finding at a node of the expression (at the
// expression's start when n is nil), for Report.
func (e *Expr) Finding(n parser.Node, format string, args ...any) Finding {
	pos := e.At(n)
	return Finding{Range: position.At(e.File.Path, pos.Line, pos.Column), Message: fmt.Sprintf(format, args...)}
}

// At is the position of a node of the expression in the file, or of the
// expression's start when n is nil.
func (e *Expr) At(n parser.Node) Pos {
	if n == nil {
		return e.Start()
	}
	return e.NodePos(n)
}

// Catalog is the project's metric catalog, nil without one.
func (p *Pass) Catalog() *catalog.Catalog { return p.Project.Catalog }

// Config is the project's configuration.
func (p *Pass) Config() *Config { return p.Project.Config }

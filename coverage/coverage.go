// Package coverage holds rule coverage: which rules a test run exercised.
//
// An alerting rule is covered when some assertion that held expected it
// firing (fired) and some assertion that held checked it was not firing at
// an instant it was evaluated (silent): a rule only ever asserted firing
// would pass with an always-true expression. A recording rule is covered
// when an assertion that ran reads its output, directly or through other
// recording rules, ALERTS or template queries. A rule in a file no test
// loads is uncovered.
//
// Coverage is computed after the run, from what the harness already knows:
// each assertion's outcome and what it reads (fixture.Assertion), and the
// replay's History. It changes nothing in the replay; pruning stays on.
package coverage

import (
	"fmt"
	"time"

	"github.com/codevaldcortex/rulecheck/position"
)

// Kind is a rule's kind.
type Kind string

// The kinds of rules.
const (
	Alert  Kind = "alert"
	Record Kind = "record"
)

// Rule is one rule of the rule files and what the tests did with it.
type Rule struct {
	// File and Line are where the rule is written; Group is its group and
	// Index its position among the group's rules. Resource is the
	// PrometheusRule ("namespace/name") the group is in, empty for a plain
	// rule file: the PrometheusRules of one file may share a group name.
	File     string
	Line     int
	Resource string
	Group    string
	Index    int
	Name     string
	Kind     Kind
	// For is an alerting rule's for.
	For time.Duration
	// EndLine is the rule's last line (its last non-blank, non-comment
	// line before the next rule).
	EndLine int

	// Fired: an assertion that held expected it firing. Silent: one that
	// held checked it was not firing at an instant it was evaluated.
	// ForBoundary: one that held checked it between turning pending and
	// firing. LabelsAsserted and AnnotationsAsserted: a fired assertion
	// that held named labels, annotations.
	Fired, Silent, ForBoundary          bool
	LabelsAsserted, AnnotationsAsserted bool
	// ReadBy are the assertions that read the rule, directly or through
	// other rules (test file and line), in the order found.
	ReadBy []position.Range
	// Loaded is set when some test loaded the rule's file.
	Loaded bool
}

// Covered reports whether the rule is covered: an alerting rule fired and
// silent, a recording rule read by an assertion that ran.
func (r *Rule) Covered() bool {
	if r.Kind == Alert {
		return r.Fired && r.Silent
	}
	return len(r.ReadBy) > 0
}

// Missing says what an uncovered rule lacks.
func (r *Rule) Missing() string {
	switch {
	case r.Covered():
		return ""
	case !r.Loaded:
		return "no test loads its file"
	case r.Kind == Record:
		return "no assertion reads it"
	case !r.Fired && !r.Silent:
		return "never asserted firing nor silent"
	case !r.Fired:
		return "never asserted firing"
	default:
		return "never asserted silent"
	}
}

// Pos is where the rule is written.
func (r *Rule) Pos() position.Range { return position.At(r.File, r.Line, 0) }

func (r *Rule) String() string {
	return fmt.Sprintf("%s:%d %s %s", r.File, r.Line, r.Kind, r.Name)
}

// Report is the coverage of a test run: every rule of the rule files, in
// file order.
type Report struct {
	// Files are the rule files in the order given, then those only tests
	// named.
	Files []string
	Rules []*Rule
}

// Summary counts rules and what covered them.
type Summary struct {
	File                  string
	Rules, Covered        int
	Alerts, Fired, Silent int
	Records, Read         int
}

// Percent is the share of rules covered; 100 when there are none.
func (s Summary) Percent() float64 {
	if s.Rules == 0 {
		return 100
	}
	return 100 * float64(s.Covered) / float64(s.Rules)
}

func (s *Summary) add(r *Rule) {
	s.Rules++
	if r.Covered() {
		s.Covered++
	}
	if r.Kind == Alert {
		s.Alerts++
		s.Fired += b2i(r.Fired)
		s.Silent += b2i(r.Silent)
		return
	}
	s.Records++
	s.Read += b2i(len(r.ReadBy) > 0)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ByFile returns one summary per rule file, in the report's file order.
func (rep *Report) ByFile() []Summary {
	idx := map[string]int{}
	out := make([]Summary, len(rep.Files))
	for i, f := range rep.Files {
		idx[f] = i
		out[i].File = f
	}
	for _, r := range rep.Rules {
		out[idx[r.File]].add(r)
	}
	return out
}

// Total sums every rule.
func (rep *Report) Total() Summary {
	s := Summary{File: "total"}
	for _, r := range rep.Rules {
		s.add(r)
	}
	return s
}

// Uncovered returns the rules not covered, in file order.
func (rep *Report) Uncovered() []*Rule {
	var out []*Rule
	for _, r := range rep.Rules {
		if !r.Covered() {
			out = append(out, r)
		}
	}
	return out
}

// Rule returns the first rule with the given name, nil if none.
func (rep *Report) Rule(name string) *Rule {
	for _, r := range rep.Rules {
		if r.Name == name {
			return r
		}
	}
	return nil
}

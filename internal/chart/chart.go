// Package chart holds the picture of one test group: its input series, the
// alert expression's value against its threshold, and each alert label
// set's expected and actual state, on the test group's time axis. It draws
// them for a terminal (text.go) and as SVG (svg.go).
//
// Series are downsampled for drawing only: verdicts never read a chart.
package chart

import (
	"time"
)

// State is an alert instance's state at one evaluation, as expected or as
// it was.
type State int

// The states a band shows. Unknown is an instant nothing is expected at;
// NotFiring is what a promtool alert test expects of a label set it does
// not list (pending or inactive both match it).
const (
	Unknown State = iota
	Inactive
	Pending
	Firing
	NotFiring
)

func (s State) String() string {
	return [...]string{"unknown", "inactive", "pending", "firing", "not firing"}[s]
}

// Differs reports whether an actual state fails an expected one.
func Differs(expected, actual State) bool {
	switch expected {
	case Unknown:
		return false
	case NotFiring:
		return actual == Firing
	}
	return expected != actual
}

// Chart is the picture of one test group.
type Chart struct {
	// Title is the test group's name; Pos its file:line.
	Title, Pos string
	Failed     bool
	// End is the end of the time axis, which starts at 0.
	End time.Duration
	// Start, when set, is the instant 0 stands for: the SVG then labels
	// times as UTC instants instead of offsets from 0.
	Start time.Time
	// Marks are instants marked on the axis: each eval_time of a promtool
	// test file.
	Marks []time.Duration
	// Inputs are the input series the alert expressions read.
	Inputs []Series
	// Alerts are the alerting rules the test group is about.
	Alerts []Alert
}

// Series is one series' samples, relative to the start.
type Series struct {
	Name   string
	At     []time.Duration
	Values []float64
	// Low is set on a series that matters when low (read by "<"): a
	// drawn column then shows its smallest value instead of its largest.
	Low bool
}

// Alert is one alerting rule's expression, its value and its instances'
// states.
type Alert struct {
	Name, Expr string
	// Threshold is set when the expression compares a vector with a
	// scalar: Op is the comparison, Value the scalar; Values are then the
	// vector side's series, else the expression's own.
	Threshold *Threshold
	Values    []Series
	Bands     []Band
}

// Threshold is the scalar side of a comparison.
type Threshold struct {
	Op    string
	Value float64
	// ScalarLeft is set when the scalar is on the left (0.9 < x).
	ScalarLeft bool
}

// Holds reports whether v satisfies the comparison.
func (t *Threshold) Holds(v float64) bool {
	a, b := v, t.Value
	if t.ScalarLeft {
		a, b = b, a
	}
	switch t.Op {
	case ">":
		return a > b
	case ">=":
		return a >= b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case "==":
		return a == b
	case "!=":
		return a != b
	}
	return false
}

// Band is one alert label set's states at each evaluation of its rule.
type Band struct {
	Labels string
	At     []time.Duration
	// Expected is nil when nothing is expected of the label set.
	Expected, Actual []State
	// Sparse is set when the expectation holds only at some instants (a
	// promtool eval_time): the expected state is not carried between them.
	Sparse bool
	// FirstDiff is the index in At of the first instant where the actual
	// state fails the expected one, -1 when none does.
	FirstDiff int
	// ExpectedName and ActualName name the two rows in the SVG; empty
	// means "expected" and "actual".
	ExpectedName, ActualName string
}

// names returns what the band's two rows are called.
func (b Band) names() (expected, actual string) {
	expected, actual = b.ExpectedName, b.ActualName
	if expected == "" {
		expected = "expected"
	}
	if actual == "" {
		actual = "actual"
	}
	return expected, actual
}

// diffAt returns the first index where actual fails expected, or -1.
func diffAt(expected, actual []State) int {
	for i := range actual {
		if i < len(expected) && Differs(expected[i], actual[i]) {
			return i
		}
	}
	return -1
}

package backtest

import (
	"strconv"

	"github.com/codevaldcortex/rulecheck/position"
)

// ErrorKind says what went wrong in a backtest. It is set where the error
// is made, so callers sort errors without reading their messages.
type ErrorKind int

// Error kinds.
const (
	// ErrUsage is a bad request: --from after --to, a zero step, an unknown
	// option value.
	ErrUsage ErrorKind = iota
	// ErrSource is a source that cannot be opened or read: a missing or
	// corrupt TSDB directory, a server that is down or answers with an
	// error.
	ErrSource
	// ErrNoData is a time range in which the source holds no samples.
	ErrNoData
	// ErrRuleFile is a rule file that does not load.
	ErrRuleFile
	// ErrQuery is a rule's expression that the engine cannot evaluate
	// (a query error, a timeout).
	ErrQuery
	// ErrTooManySeries is a query that returned more series than
	// --max-series allows.
	ErrTooManySeries
	// ErrCannotRecord is a source that cannot store a recording rule's
	// output (a remote query API) while a later rule reads it.
	ErrCannotRecord
	// ErrUnsupported is a rule set the backtest cannot evaluate faithfully
	// (a rule reading what a later rule of its own group records).
	ErrUnsupported
	// ErrTemplate is an alerting rule whose label or annotation templates
	// would expand beyond Options.MaxTemplateBytes in one evaluation.
	ErrTemplate
)

var errorKindNames = [...]string{"usage", "source", "no-data", "rule-file", "query", "too-many-series", "cannot-record", "unsupported", "template"}

func (k ErrorKind) String() string {
	if int(k) < len(errorKindNames) {
		return errorKindNames[k]
	}
	return "ErrorKind(" + strconv.Itoa(int(k)) + ")"
}

// Error is a backtest failure. Range is the position of the rule (or rule
// file) it is about, when it is about one; Rule names the rule.
type Error struct {
	position.Range
	Kind ErrorKind
	// Rule is the rule's name (alert or record) when the error is about
	// one rule; empty otherwise.
	Rule string
	Msg  string
	// Err is the underlying error, if any.
	Err error
}

func (e *Error) Error() string {
	s := e.Msg
	if e.Rule != "" {
		s = "rule " + strconv.Quote(e.Rule) + ": " + s
	}
	if p := e.Range.String(); p != "" {
		s = p + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

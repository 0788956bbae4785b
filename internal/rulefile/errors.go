package rulefile

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/yamlnode"
	"github.com/codevaldcortex/rulecheck/position"
)

// ErrorKind says which rule of the input format an error breaks. It is set
// where the error is made, so that a caller (the linter, say) can sort
// errors without reading their messages.
type ErrorKind int

// Error kinds.
const (
	// ErrRulefmt breaks Prometheus's rule file format.
	ErrRulefmt ErrorKind = iota
	// ErrRead is a file that cannot be read as text.
	ErrRead
	// ErrYAML is YAML that does not parse, or a value of the wrong type.
	ErrYAML
	// ErrCRD is a PrometheusRule the operator would reject.
	ErrCRD
	// ErrPromQL is an expression that does not parse.
	ErrPromQL
	// ErrTemplate is a label or annotation template that does not parse.
	ErrTemplate
	// ErrDuplicateGroup is a group name used twice in one rule file: a plain
	// file, or one PrometheusRule resource.
	ErrDuplicateGroup
)

var errorKindNames = [...]string{"rulefmt", "read", "yaml", "crd", "promql", "template", "duplicate-group"}

func (k ErrorKind) String() string {
	if int(k) < len(errorKindNames) {
		return errorKindNames[k]
	}
	return "ErrorKind(" + strconv.Itoa(int(k)) + ")"
}

// Error is a problem at a position in a file.
type Error struct {
	position.Range
	Kind ErrorKind
	Msg  string
	// Rule names the rule the error is in, as Prometheus names it
	// (group "g", rule 1, "Name"); empty outside a rule.
	Rule string
	// Parse is, for ErrPromQL, the parser's own error: its PositionRange
	// is the span of the expression's text it points at.
	Parse *parser.ParseErr
}

func (e *Error) Error() string {
	return e.Range.String() + ": " + e.Msg
}

// Errors is a list of errors found in one file.
type Errors []error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// errAt makes an Error of a kind at a position.
func errAt(file string, p Pos, kind ErrorKind, msg string) *Error {
	return &Error{Range: position.At(file, p.Line, p.Column), Kind: kind, Msg: msg}
}

// YAMLError turns an error of the YAML decoder into an Error of kind
// ErrYAML, at the line the decoder names (column 1), if any.
func YAMLError(file string, err error) *Error {
	e := yamlError(file, err, Pos{})
	if e.Line > 0 && e.Column == 0 {
		e.Column = 1
	}
	return e
}

// yamlError turns an error of the YAML decoder (or of yamlsafe, which
// speaks the same way) into an Error of kind ErrYAML, at the line it names
// (yamlnode.ErrorLine) or at the fallback position; the kind never comes
// from the text.
func yamlError(file string, err error, fallback Pos) *Error {
	p := fallback
	l, msg := yamlnode.ErrorLine(err)
	if l > 0 {
		p = Pos{Line: l}
	}
	return errAt(file, p, ErrYAML, msg)
}

// ruleError turns an error rulefmt found in a rule into an Error: its kind
// from the error's type, its position from the YAML node rulefmt attached
// (the rule's position when it attached none).
func ruleError(file string, re *rulefmt.Error, rulePos Pos) *Error {
	inner := re.Err.Unwrap()
	e := errAt(file, wrappedPos(&re.Err, rulePos), ErrRulefmt, "")
	e.Rule = fmt.Sprintf("group %q, rule %d, %q", re.Group, re.Rule, re.RuleName)
	e.Msg = fmt.Sprintf("%s: %v", e.Rule, inner)
	var pes parser.ParseErrors
	var pe *parser.ParseErr
	switch {
	case errors.As(inner, &pes) && len(pes) > 0:
		e.Kind, e.Parse = ErrPromQL, &pes[0]
	case errors.As(inner, &pe):
		e.Kind, e.Parse = ErrPromQL, pe
	case errors.Unwrap(inner) != nil:
		// Of the errors rulefmt reports without a node, only the template
		// check wraps another error: "label "k": <template error>".
		e.Kind = ErrTemplate
	}
	return e
}

// wrappedPos is the position of the YAML node rulefmt attached to an
// error, or fallback. rulefmt keeps the node unexported and prints it only
// into the message, so it is read by reflection: if rulefmt changes, the
// error keeps the rule's position instead of a wrong one.
func wrappedPos(we *rulefmt.WrappedError, fallback Pos) Pos {
	v := reflect.ValueOf(we).Elem().FieldByName("node")
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() {
		return fallback
	}
	n := v.Elem()
	line, col := n.FieldByName("Line"), n.FieldByName("Column")
	if !line.IsValid() || !col.IsValid() || line.Int() == 0 {
		return fallback
	}
	return Pos{Line: int(line.Int()), Column: int(col.Int())}
}
